//! `wijkwijzer keygen`: a new API key and its entry for the key file.

use std::path::PathBuf;
use std::process::ExitCode;

/// Make an API key: prints the key (give it to its user) and the entry for the key file.
#[derive(clap::Args)]
pub(super) struct KeygenArgs {
    /// A name for the key's holder, shown in logs.
    #[arg(long)]
    name: String,
    /// Allow this key to reload the data (POST /admin/reload).
    #[arg(long)]
    admin: bool,
    /// Add the entry to this key file (created readable by its owner only); a running
    /// service takes it on SIGHUP. Without it the entry goes to stderr as TOML.
    #[arg(long)]
    append: Option<PathBuf>,
}

pub(super) fn run(args: KeygenArgs) -> anyhow::Result<ExitCode> {
    let KeygenArgs {
        name,
        admin,
        append,
    } = args;

    let (key, entry) = wijkwijzer::auth::generate(&name, admin).map_err(anyhow::Error::msg)?;
    match &append {
        Some(path) => {
            // The entry is added by writing a new file and renaming it over this one.
            wijkwijzer::staging::replaceable(path)?;
            let n = wijkwijzer::auth::append_entry(path, &entry).map_err(anyhow::Error::msg)?;
            eprintln!(
                "# added key '{name}' to {} ({n} keys); send SIGHUP or POST /admin/reload to a running service. The key, shown once, is on stdout.",
                path.display()
            );
        }
        // Everything on stderr is TOML (the prose as comments): `2>>keys.toml` works.
        None => eprintln!(
            "# key '{name}': add this entry to the key file; the key, shown once, is on stdout\n{entry}"
        ),
    }
    out!("{key}");
    Ok(ExitCode::SUCCESS)
}
