//! The two message files against each other and against every `t!` in the source.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use fluent_syntax::ast;

use crate::text::*;

type Messages = BTreeMap<String, (BTreeSet<String>, String)>;

/// Each message of a file with the variables its value uses and its source text.
fn messages(ftl: &str) -> Messages {
    let resource = fluent_syntax::parser::parse(ftl).expect("the file parses");
    let mut out = Messages::new();
    for entry in resource.body {
        if let ast::Entry::Message(m) = entry {
            let mut vars = BTreeSet::new();
            let value = m.value.expect("every message has a value");
            pattern_vars(&value, &mut vars);
            let text = format!("{value:?}");
            out.insert(m.id.name.to_string(), (vars, text));
        }
    }
    out
}

fn pattern_vars(p: &ast::Pattern<&str>, vars: &mut BTreeSet<String>) {
    for element in &p.elements {
        if let ast::PatternElement::Placeable { expression } = element {
            expression_vars(expression, vars);
        }
    }
}

fn expression_vars(e: &ast::Expression<&str>, vars: &mut BTreeSet<String>) {
    match e {
        ast::Expression::Select { selector, variants } => {
            inline_vars(selector, vars);
            for v in variants {
                pattern_vars(&v.value, vars);
            }
        }
        ast::Expression::Inline(i) => inline_vars(i, vars),
    }
}

fn inline_vars(i: &ast::InlineExpression<&str>, vars: &mut BTreeSet<String>) {
    match i {
        ast::InlineExpression::VariableReference { id } => {
            vars.insert(id.name.to_string());
        }
        ast::InlineExpression::FunctionReference { arguments, .. } => {
            for a in &arguments.positional {
                inline_vars(a, vars);
            }
        }
        ast::InlineExpression::Placeable { expression } => expression_vars(expression, vars),
        _ => {}
    }
}

/// Every `t!("id", name = ..., ...)` in both crates' source: id, argument names, file.
fn uses() -> Vec<(String, BTreeSet<String>, String)> {
    let mut out = Vec::new();
    // Both crates: the answering core and the faces above it.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut stack = vec![root.join("src"), root.join("crates/core/src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            // This module's own examples and messages about calls are not calls.
            if path.is_dir() && !path.ends_with("text") {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs")
                && !path.ends_with("text_tests.rs")
            {
                let source = std::fs::read_to_string(&path).unwrap();
                for (id, args) in calls(&source) {
                    out.push((id, args, path.display().to_string()));
                }
            }
        }
    }
    out
}

/// The `t!` calls of one file, read with just enough of Rust's lexing (strings, nesting).
fn calls(source: &str) -> Vec<(String, BTreeSet<String>)> {
    let mut out = Vec::new();
    let bytes = source.as_bytes();
    let mut at = 0;
    while let Some(found) = source[at..].find("t!(") {
        let start = at + found;
        at = start + 3;
        // `t!(` as a word: not the end of `format!(` or `assert!(`.
        // and not inside a string.
        if start > 0
            && matches!(bytes[start - 1], b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_' | b'"')
        {
            continue;
        }
        let rest = source[at..].trim_start();
        let Some(id) = rest
            .strip_prefix('"')
            .and_then(|r| Some(&r[..r.find('"')?]))
        else {
            continue; // the macro's own definition
        };
        // Argument names: identifiers before a single `=` at the call's own nesting level.
        let mut args = BTreeSet::new();
        let (mut depth, mut in_str, mut i) = (1, false, at);
        let mut word = String::new();
        while depth > 0 && i < bytes.len() {
            let c = bytes[i] as char;
            if in_str {
                if c == '\\' {
                    i += 1;
                } else if c == '"' {
                    in_str = false;
                }
            } else {
                match c {
                    '"' => in_str = true,
                    '(' | '[' | '{' => depth += 1,
                    ')' | ']' | '}' => depth -= 1,
                    '=' if depth == 1
                        && bytes.get(i + 1) != Some(&b'=')
                        && !matches!(bytes[i - 1], b'=' | b'!' | b'<' | b'>') =>
                    {
                        args.insert(word.clone());
                    }
                    _ => {}
                }
                if c.is_ascii_alphanumeric() || c == '_' {
                    word.push(c);
                } else if !c.is_whitespace() {
                    word.clear();
                }
            }
            i += 1;
        }
        out.push((id.to_string(), args));
    }
    out
}

#[test]
fn both_files_have_the_same_messages_with_the_same_arguments() {
    let en = messages(EN_FTL);
    let nl = messages(NL_FTL);
    let en_ids: BTreeSet<_> = en.keys().collect();
    let nl_ids: BTreeSet<_> = nl.keys().collect();
    assert_eq!(
        en_ids.difference(&nl_ids).collect::<Vec<_>>(),
        Vec::<&&String>::new(),
        "messages without a Dutch text"
    );
    assert_eq!(
        nl_ids.difference(&en_ids).collect::<Vec<_>>(),
        Vec::<&&String>::new(),
        "Dutch messages without an English one"
    );
    for (id, (vars, text)) in &en {
        let (nl_vars, nl_text) = &nl[id];
        assert_eq!(vars, nl_vars, "{id}: the two texts use different arguments");
        assert_ne!(text, nl_text, "{id}: the Dutch text is the English one");
    }
}

#[test]
fn every_message_the_code_renders_exists_with_the_arguments_it_is_given() {
    let en = messages(EN_FTL);
    let uses = uses();
    assert!(
        uses.len() > 100,
        "the scan finds the calls ({})",
        uses.len()
    );
    let mut used = BTreeSet::new();
    for (id, args, file) in &uses {
        let Some((vars, _)) = en.get(id) else {
            panic!("{file}: t!(\"{id}\") has no message in en.ftl");
        };
        assert_eq!(
            args, vars,
            "{file}: t!(\"{id}\") is given other arguments than the message uses"
        );
        used.insert(id.clone());
    }
    // A problem's title is rendered by its slug, from the one table of kinds.
    for kind in crate::http::Kind::ALL {
        let id = format!("title-{}", kind.describe().1);
        assert!(en.contains_key(&id), "{kind:?} has no title: {id}");
        used.insert(id);
    }
    let unused: Vec<_> = en.keys().filter(|id| !used.contains(*id)).collect();
    assert!(unused.is_empty(), "messages no code renders: {unused:?}");
}

#[test]
fn the_scanner_reads_nested_and_quoted_arguments() {
    let source = r#"let x = t!("a-b", name = f(1, "x=)"), count = v.len()); format!("t!(");"#;
    let found = calls(source);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].0, "a-b");
    assert_eq!(
        found[0].1,
        ["count", "name"].iter().map(|s| s.to_string()).collect()
    );
}

#[test]
fn rendering_follows_the_scope_and_falls_back_to_english() {
    let mut args = Args::new();
    args.set("text", "xyz");
    let en = render("query-empty", &args);
    let nl = sync_scope(Lang::Nl, || render("query-empty", &args));
    assert_ne!(en, nl);
    assert_eq!(
        render_in(Lang::Nl, "no-such-message", &args),
        "no-such-message"
    );
}

#[test]
fn accept_language_is_negotiated_by_weight() {
    for (header, want) in [
        ("nl", Lang::Nl),
        ("nl-NL,nl;q=0.9,en;q=0.8", Lang::Nl),
        ("nl-BE", Lang::Nl),
        ("NL", Lang::Nl),
        ("en-US,en;q=0.9,nl;q=0.8", Lang::En),
        ("de-DE,de;q=0.9,nl;q=0.5", Lang::Nl),
        ("fr, en;q=0.2, nl;q=0.7", Lang::Nl),
        ("nl;q=0, en", Lang::En),
        ("de", Lang::En),
        ("", Lang::En),
        ("*", Lang::En),
        ("en;q=0.5, nl;q=0.5", Lang::En),
        ("nl;q=abc", Lang::En),
        (";;;,,,", Lang::En),
    ] {
        assert_eq!(Lang::negotiate(header), want, "{header:?}");
    }
}
