//! Whatever a person types or pastes, the input grammar answers or refuses; it never panics,
//! and every point it accepts is a finite RD coordinate.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wijkwijzer_core::query::{Input, Locality, parse};

fuzz_target!(|data: &[u8]| {
    let near = Locality::new("Maastricht", &[], 50.8489, 5.6879);
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(Input::Point(p)) = parse(text, &near)
    {
        assert!(
            p.rd.x.is_finite() && p.rd.y.is_finite(),
            "{text:?} gave {p:?}"
        );
    }
});
