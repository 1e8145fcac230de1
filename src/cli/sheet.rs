//! `wijkwijzer sheet`: the printable overview of the areas and the people who work in them,
//! as an A4 PDF, from the binary alone.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use wijkwijzer::roster::Audience;
use wijkwijzer::sheet::Sheet;
use wijkwijzer::text::Lang;

/// Print "De gezichten in de wijk": a map of the areas, then a page per area with its map and
/// its senior wijkgebonden medewerker (enforcement), police coordinator, wijkagenten, officers
/// with a task focus, theme boa's and Gebiedsteam partners, with their channels (PDF, A4).
#[derive(clap::Args)]
pub(super) struct SheetArgs {
    /// Where to write the PDF (`-`: standard output).
    #[arg(long, short)]
    out: PathBuf,
    /// Add names and internal channels where the roster has them; every page says it is
    /// internal.
    #[arg(long)]
    internal: bool,
    /// The day, YYYY-MM-DD (default: today): the areas as drawn then and the roster of that day.
    #[arg(long, value_name = "YYYY-MM-DD")]
    as_of: Option<String>,
    /// One area only (its id, as `wijkwijzer roster` lists them): no overview page.
    #[arg(long)]
    area: Option<String>,
    /// The language of the sheet: nl (default) or en.
    #[arg(long, default_value = "nl", value_parser = ["nl", "en"])]
    lang: String,
    #[command(flatten)]
    data: super::DataArgs,
}

pub(super) fn run(args: SheetArgs) -> anyhow::Result<ExitCode> {
    let resolver = args.data.resolver()?;
    let on = resolver.as_of(args.as_of.as_deref())?;
    let lang = if args.lang == "en" {
        Lang::En
    } else {
        Lang::Nl
    };
    let audience = if args.internal {
        Audience::Internal
    } else {
        Audience::Public
    };
    let sheet = Sheet::build(on, audience, lang, args.area.as_deref())?;
    let pdf = wijkwijzer::sheet::pdf::render(&sheet)?;
    if args.out.as_os_str() == "-" {
        use std::io::Write;
        std::io::stdout().write_all(&pdf)?;
    } else {
        let staged = wijkwijzer::staging::StagedFile::new(&args.out);
        std::fs::write(staged.path(), &pdf)
            .with_context(|| format!("cannot write {}", args.out.display()))?;
        staged
            .commit()
            .with_context(|| format!("cannot write {}", args.out.display()))?;
        eprintln!(
            "{}: {} areas, {} bytes",
            args.out.display(),
            sheet.areas.len(),
            pdf.len()
        );
    }
    Ok(ExitCode::SUCCESS)
}
