//! Whatever file an analyst feeds the batch classifier, it answers or refuses with a message;
//! it never panics, and a CSV comes back as its own bytes with columns inserted (the input is a
//! subsequence of the output; a UTF-16 file as the UTF-8 it transcodes to), one summary row per
//! record.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use wijkwijzer_core::classify::{Options, classify, classify_csv};
use wijkwijzer_core::geodata::Geodata;
use wijkwijzer_core::resolve::Resolver;

fn resolver() -> &'static Resolver {
    static R: OnceLock<Resolver> = OnceLock::new();
    R.get_or_init(|| Resolver::new(Geodata::embedded().expect("embedded data")))
}

fn is_subsequence(small: &[u8], big: &[u8]) -> bool {
    let mut it = big.iter();
    small.iter().all(|b| it.any(|c| c == b))
}

fuzz_target!(|data: &[u8]| {
    let mut out = Vec::new();
    if data.first() == Some(&b'{') {
        let _ = classify(resolver(), data, &mut out, &Options::default(), |_, _| {});
        return;
    }
    if let Ok(summary) = classify_csv(resolver(), data, &mut out, &Options::default(), |_, _| {}) {
        assert_eq!(summary.per_status.values().sum::<u64>(), summary.rows);
        // UTF-16 (with its BOM) is answered in the UTF-8 it transcodes to: its own bytes are
        // not kept, its text is.
        if data.starts_with(&[0xFF, 0xFE]) || data.starts_with(&[0xFE, 0xFF]) {
            return;
        }
        assert!(is_subsequence(data, &out), "input bytes lost");
        // Lines end in `\n`, or in a lone `\r` in a file without any `\n` ("CSV (Macintosh)").
        let newline = if data.contains(&b'\n') { b'\n' } else { b'\r' };
        let lines = data.iter().filter(|b| **b == newline).count() as u64;
        assert!(summary.rows <= lines + 1, "{} rows from {lines} line breaks", summary.rows);
    }
});
