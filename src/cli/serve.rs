//! `wijkwijzer serve`: the HTTP service, configured by flags, environment and a file.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use wijkwijzer::http;
use wijkwijzer::resolve::Resolver;

/// Run the HTTP service. Every option can also come from an environment variable or
/// from a config file (`--config`); a flag beats its variable, both beat the file.
#[derive(clap::Args)]
pub(super) struct ServeArgs {
    #[command(flatten)]
    options: wijkwijzer::config::ServeOptions,
    /// A TOML file with any of the options above (keys as the flags, without `--`).
    #[arg(long, env = "WIJKWIJZER_CONFIG")]
    config: Option<PathBuf>,
    /// Print the effective configuration (key hashes left out) and exit.
    #[arg(long)]
    print_config: bool,
}

pub(super) fn run(args: ServeArgs) -> anyhow::Result<ExitCode> {
    let ServeArgs {
        options,
        config,
        print_config,
    } = args;
    let runtime = tokio::runtime::Runtime::new()?;
    // First of all, since SIGHUP's default action ends the process: a reload asked for while
    // the data or a large address file is still being read must not kill the service.
    // Listening for it replaces that action for the rest of the process; what is being loaded
    // is the newest data anyway.
    #[cfg(unix)]
    let early_hup = runtime.block_on(async {
        tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())
    })?;

    let file = match &config {
        Some(path) => {
            wijkwijzer::config::ServeOptions::from_file(path).map_err(anyhow::Error::msg)?
        }
        None => wijkwijzer::config::ServeOptions::default(),
    };
    let mut o = options.or(file).resolve();
    // A geodata directory's own address file goes with it (a second municipality must not be
    // answered from the built-in addresses); `--addresses` overrides.
    if o.addresses.is_none() {
        o.addresses = super::own_addresses(o.geodata.as_ref());
    }
    let keys = match &o.keys {
        Some(path) => wijkwijzer::auth::ApiKeys::load(path).map_err(|p| anyhow::anyhow!("{p}"))?,
        None => wijkwijzer::auth::ApiKeys::default(),
    };
    if print_config {
        out!(
            "# effective configuration of `wijkwijzer serve` (flags > environment > --config file > defaults)"
        );
        out!("{}", toml::to_string(&o)?.trim_end());
        let names: Vec<&str> = keys.rates().map(|(n, _)| n).collect();
        if !names.is_empty() {
            out!(
                "# the key file holds {} key(s): {} (hashes not shown)",
                names.len(),
                names.join(", ")
            );
        }
        return Ok(ExitCode::SUCCESS);
    }
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // Colour codes only for a person at a terminal, never into files or journald.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stdout());
    // Lines are written by a thread of their own: a request formats its access-log line and
    // hands it over instead of waiting on stdout (a pipe to journald or a container runtime),
    // which took about a tenth of a compact lookup. Never lossy: when the buffer is full,
    // requests wait, as they did. The guard flushes what is buffered when serve returns.
    let (writer, _flush_on_exit) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .lossy(false)
        .finish(std::io::stdout());
    if o.log_format == wijkwijzer::config::LogFormat::Json {
        tracing_subscriber::fmt()
            .json()
            .with_env_filter(filter)
            .with_target(false)
            .with_writer(writer)
            .init();
    } else {
        tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_target(false)
            .with_ansi(ansi)
            .with_writer(writer)
            .init();
    }
    let (geodata, addresses, listen) = (o.geodata.clone(), o.addresses.clone(), o.listen);
    let source = super::source(geodata.as_ref());
    let data = source.load()?;
    let address_index = super::DataArgs {
        geodata: None,
        addresses: addresses.clone(),
    }
    .addresses()?;
    let config = http::ServeConfig::from_options(&o, keys);
    tracing::info!(version = %data.version, origin = %data.origin, "geodata loaded");
    for warning in data.roster_warnings(wijkwijzer::roster::today()) {
        tracing::warn!("roster: {warning}");
    }
    tracing::info!(addresses = address_index.len(), source = %address_index.info().name, "address index loaded");
    let state = Arc::new(http::AppState::with_config(
        source,
        Resolver::new(data).with_addresses(address_index),
        config,
    ));
    #[cfg(unix)]
    drop(early_hup);
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .with_context(|| format!("cannot listen on {listen}"))?;
        tracing::info!("listening on http://{}", listener.local_addr()?);
        http::serve(listener, state).await?;
        anyhow::Ok(())
    })?;
    Ok(ExitCode::SUCCESS)
}
