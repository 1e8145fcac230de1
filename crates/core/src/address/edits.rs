//! Street keys within one or two typing errors: a Levenshtein DFA made from a parametric
//! automaton computed once per distance, walking the street-key fst.
//!
//! A swap of two neighbouring letters (`Hendrkis` for `Hendriks`) is the most common typing
//! error and counts as one (restricted Damerau–Levenshtein, "optimal string alignment"), here
//! and in every distance the address search computes (`strsim::osa_distance`).

/// The keys within `d` edits of `key` (insertions, deletions, substitutions, swaps of
/// neighbours; at most 2), as a
/// DFA built from a parametric automaton computed once per distance: a few microseconds per
/// query, where building the DFA from scratch took milliseconds for long names at 2 edits.
pub(super) fn within_edits(key: &str, d: u8) -> levenshtein_automata::DFA {
    use levenshtein_automata::LevenshteinAutomatonBuilder as Builder;
    static BUILDERS: std::sync::LazyLock<[Builder; 2]> =
        std::sync::LazyLock::new(|| [Builder::new(1, true), Builder::new(2, true)]);
    BUILDERS[usize::from(d.clamp(1, 2)) - 1].build_dfa(key)
}

/// A [`levenshtein_automata::DFA`] walking the street-key fst.
pub(super) struct Edits<'a>(pub(super) &'a levenshtein_automata::DFA);

impl fst::Automaton for Edits<'_> {
    type State = u32;

    fn start(&self) -> u32 {
        self.0.initial_state()
    }

    fn is_match(&self, state: &u32) -> bool {
        matches!(
            self.0.distance(*state),
            levenshtein_automata::Distance::Exact(_)
        )
    }

    fn can_match(&self, state: &u32) -> bool {
        *state != levenshtein_automata::SINK_STATE
    }

    fn accept(&self, state: &u32, byte: u8) -> u32 {
        self.0.transition(*state, byte)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fst::IntoStreamer;
    use proptest::prelude::*;

    const NAMES: [&str; 12] = [
        "brusselsestraat",
        "brusselseweg",
        "onzelievevrouweplein",
        "markt",
        "vrijthof",
        "wycker brugstraat",
        "stationsstraat",
        "plein 1992",
        "sint pieterstraat",
        "boschstraat",
        "bosschstraat",
        "grote gracht",
    ];

    fn set() -> fst::Set<Vec<u8>> {
        let mut names = NAMES.to_vec();
        names.sort_unstable();
        fst::Set::from_iter(names).unwrap()
    }

    proptest! {
        /// The automaton finds exactly the keys a plain edit distance puts within reach.
        #[test]
        fn edits_find_exactly_the_keys_within_reach(
            base in 0..NAMES.len(),
            edits in proptest::collection::vec((0usize..20, prop_oneof![Just('x'), Just('é'), Just('s'), Just(' ')], 0..4u8), 0..3),
            d in 1u8..=2,
        ) {
            let mut query: Vec<char> = NAMES[base].chars().collect();
            for (at, c, kind) in edits {
                let at = at % (query.len() + 1);
                match kind {
                    0 => query.insert(at, c),
                    1 if at < query.len() => { query.remove(at); }
                    3 if at + 1 < query.len() => query.swap(at, at + 1),
                    _ if at < query.len() => query[at] = c,
                    _ => {}
                }
            }
            let query: String = query.into_iter().collect();
            let dfa = within_edits(&query, d);
            let mut found: Vec<String> = set()
                .search(Edits(&dfa))
                .into_stream()
                .into_strs()
                .unwrap();
            found.sort();
            let mut expected: Vec<String> = NAMES
                .iter()
                .filter(|n| strsim::osa_distance(n, &query) <= d as usize)
                .map(|n| n.to_string())
                .collect();
            expected.sort();
            prop_assert_eq!(found, expected, "query {:?} within {}", query, d);
        }
    }
}
