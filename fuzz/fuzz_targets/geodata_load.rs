//! A broken data file is refused with reasons, never a panic: the fuzzer replaces one file of
//! the embedded geodata (chosen by the first byte) with its input; a first byte of 255 adds it
//! as the optional `overlays.geojson` instead (the other bytes keep the files they chose). The
//! places a load accepts are keyed for search as well.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wijkwijzer_core::geodata::Geodata;

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let files = Geodata::embedded_files();
    let mut replaced: Vec<(&str, &str)> = files.to_vec();
    if which == 255 {
        replaced.push(("overlays.geojson", text));
    } else {
        let target = files[which as usize % files.len()].0;
        for (name, content) in &mut replaced {
            if *name == target {
                *content = text;
            }
        }
    }
    match Geodata::from_memory("fuzz", &replaced) {
        // The places' names are keyed on the first search; key them here, where a load
        // accepted them, so that the fuzzer reaches the folding too.
        Ok(data) => {
            if let Some(places) = &data.places {
                places.prepare();
            }
        }
        Err(e) => assert!(!e.problems.is_empty()),
    }
});
