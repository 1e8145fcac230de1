//! `wijkwijzer sheet`: the printable overview of the areas and the people who work in them,
//! as an A4 PDF, from the binary alone.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use wijkwijzer::roster::Audience;
use wijkwijzer::sheet::Sheet;
use wijkwijzer::staging::Output;
use wijkwijzer::text::Lang;

/// Print "De gezichten in de wijk": a map of the areas, then a page per area with its map and
/// its senior wijkgebonden medewerker (enforcement), police coordinator, wijkagenten, officers
/// with a task focus, theme boa's and Gebiedsteam partners, with their channels (PDF, A4).
#[derive(clap::Args)]
pub(super) struct SheetArgs {
    /// Where to write the PDF (`-`: standard output; a device or FIFO is written as it is, a
    /// file replaced only by a complete PDF).
    #[arg(long, short)]
    out: PathBuf,
    /// Add names and internal channels where the roster has them; every page says it is
    /// internal.
    #[arg(long)]
    internal: bool,
    /// The day, YYYY-MM-DD (default: today): the areas as drawn then and the roster of that day.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = wijkwijzer::resolve::parse_as_of)]
    as_of: Option<jiff::civil::Date>,
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
    let on = resolver.as_of(args.as_of)?;
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
    let cannot = || format!("cannot write {}", args.out.display());
    // Opened first, so that a path that cannot be written fails before the work; a regular file
    // is replaced only once the PDF is complete.
    let mut out = Output::create(&args.out).with_context(cannot)?;
    let sheet = Sheet::build(on, audience, lang, args.area.as_deref())?;
    let pdf = wijkwijzer::sheet::pdf::render(&sheet)?;
    out.write_all(&pdf).with_context(cannot)?;
    let to_stdout = out.is_stdout();
    out.commit().with_context(cannot)?;
    if !to_stdout {
        eprintln!(
            "{}: {} areas, {} bytes",
            args.out.display(),
            sheet.areas.len(),
            pdf.len()
        );
    }
    Ok(ExitCode::SUCCESS)
}
