//! A broken data file is refused with reasons, never a panic: the fuzzer replaces one file of
//! the embedded geodata (chosen by the first byte) with its input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wijkwijzer::geodata::Geodata;

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let files = Geodata::embedded_files();
    let target = files[which as usize % files.len()].0;
    let replaced: Vec<(&str, &str)> = files
        .iter()
        .map(|(name, content)| (*name, if *name == target { text } else { *content }))
        .collect();
    if let Err(e) = Geodata::from_memory("fuzz", &replaced) {
        assert!(!e.problems.is_empty());
    }
});
