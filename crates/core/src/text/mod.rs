//! Texts for people, in English (the default) and Dutch.
//!
//! Every sentence a client or user reads (problem titles and details, an answer's message, how
//! an address was read) is a message in a Fluent file beside this module, `en.ftl` and
//! `nl.ftl`, named by an id and filled with named arguments: `t!("query-unreadable", text = q)`.
//! The translations live in those two files so that the municipality can correct the Dutch
//! without touching Rust; a test holds both files to the same ids and arguments as the code.
//!
//! The language is the request's: the HTTP middleware reads `Accept-Language` and runs the
//! request inside [`scope`], so everything rendered while answering it, down to the address
//! search, is in that language, without the language passed through every function. Outside
//! a scope (the command line, logs) it is English.

use std::borrow::Cow;
use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};

pub use fluent_bundle::FluentArgs as Args;

/// A language of the texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    #[default]
    En,
    Nl,
}

impl Lang {
    /// Every language, in [`Lang::index`] order.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Nl];

    /// The position of the language in [`Lang::ALL`], for tables of texts per language.
    pub fn index(self) -> usize {
        self as usize
    }

    /// The BCP 47 tag, as in `Content-Language`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Nl => "nl",
        }
    }

    /// The language a client asks for in an `Accept-Language` header (RFC 9110 section 12.5.4):
    /// the highest-weighted range that is Dutch or English, `nl-BE` and `nl-NL` being Dutch;
    /// English when none is, or the header cannot be read.
    pub fn negotiate(header: &str) -> Lang {
        let mut best: Option<(f32, usize, Lang)> = None;
        for (pos, item) in header.split(',').enumerate() {
            let mut parts = item.split(';');
            let range = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
            let mut weight = 1.0f32;
            for param in parts {
                if let Some(q) = param.trim().strip_prefix("q=") {
                    weight = q.trim().parse().unwrap_or(0.0);
                }
            }
            let primary = range.split('-').next().unwrap_or_default();
            let lang = match primary {
                "nl" => Lang::Nl,
                "en" | "*" => Lang::En,
                _ => continue,
            };
            if weight <= 0.0 || !weight.is_finite() {
                continue;
            }
            // Highest weight wins; among equals, the one listed first.
            if best.is_none_or(|(w, p, _)| weight > w || (weight == w && pos < p)) {
                best = Some((weight, pos, lang));
            }
        }
        best.map(|(_, _, l)| l).unwrap_or_default()
    }
}

tokio::task_local! {
    static LANG: Lang;
}

/// The language texts are rendered in here: the request's, or English outside a request.
pub fn current() -> Lang {
    LANG.try_with(|l| *l).unwrap_or_default()
}

/// Runs `f` with texts in `lang`.
pub async fn scope<F: Future>(lang: Lang, f: F) -> F::Output {
    LANG.scope(lang, f).await
}

/// Runs `f` (synchronous work, e.g. on a blocking thread) with texts in `lang`.
pub fn sync_scope<R>(lang: Lang, f: impl FnOnce() -> R) -> R {
    LANG.sync_scope(lang, f)
}

/// The English messages, shipped with the binary.
pub const EN_FTL: &str = include_str!("en.ftl");
/// The Dutch messages.
pub const NL_FTL: &str = include_str!("nl.ftl");

fn bundle(lang: Lang, ftl: &str) -> FluentBundle<FluentResource> {
    let id = lang.tag().parse().expect("a valid language tag");
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // Isolation marks (U+2068/U+2069) around arguments would end up in JSON and CSV.
    bundle.set_use_isolating(false);
    let resource = match FluentResource::try_new(ftl.to_string()) {
        Ok(r) => r,
        // The files are part of the source and tested; a syntax error is a build defect.
        Err((_, errors)) => panic!("{}.ftl does not parse: {errors:?}", lang.tag()),
    };
    if let Err(errors) = bundle.add_resource(resource) {
        panic!("{}.ftl defines a message twice: {errors:?}", lang.tag());
    }
    bundle
}

static EN: LazyLock<FluentBundle<FluentResource>> = LazyLock::new(|| bundle(Lang::En, EN_FTL));
static NL: LazyLock<FluentBundle<FluentResource>> = LazyLock::new(|| bundle(Lang::Nl, NL_FTL));

/// Renders message `id` in `lang`. A message missing from a translation falls back to English,
/// one missing from both to its id; a missing argument shows as its name. Neither can pass the
/// tests, so they are logged rather than raised.
pub fn render_in(lang: Lang, id: &str, args: &FluentArgs) -> String {
    let attempt = |bundle: &FluentBundle<FluentResource>| -> Option<String> {
        let pattern = bundle.get_message(id)?.value()?;
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, Some(args), &mut errors);
        if !errors.is_empty() {
            tracing::warn!(
                id,
                lang = lang.tag(),
                ?errors,
                "a message rendered with errors"
            );
        }
        Some(Cow::into_owned(text))
    };
    let bundle: &FluentBundle<FluentResource> = match lang {
        Lang::En => &EN,
        Lang::Nl => &NL,
    };
    attempt(bundle).or_else(|| attempt(&EN)).unwrap_or_else(|| {
        tracing::warn!(id, "no such message");
        id.to_string()
    })
}

/// Renders message `id` in the [`current`] language.
pub fn render(id: &str, args: &FluentArgs) -> String {
    render_in(current(), id, args)
}

/// A message in the current language: `t!("id", name = value, ...)`, each value a string or
/// a number (numbers select plural forms).
#[macro_export]
macro_rules! t {
    ($id:literal $(, $k:ident = $v:expr)* $(,)?) => {{
        #[allow(unused_mut)]
        let mut args = $crate::text::Args::new();
        $( args.set(stringify!($k), $v); )*
        $crate::text::render($id, &args)
    }};
}
