//! The `wijkwijzer` command line. The commands are declared and handled in `cli`, one file per
//! command; the work is done by the library.

use std::process::ExitCode;

mod cli;

// The service allocates small, short-lived buffers per request from many threads; mimalloc
// serves those from thread-local pages where glibc's malloc took about a tenth of the time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args = <cli::Cli as clap::Parser>::parse();
    match cli::run(args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("wijkwijzer: {e:#}");
            ExitCode::from(2)
        }
    }
}
