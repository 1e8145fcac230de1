//! Where text is read: the municipality whose towns complete short plus codes and whose
//! reference point they are completed near. The grammar itself knows no place; every door
//! hands it the [`Locality`] of the data it answers from.

/// The municipality a text is read near.
#[derive(Debug, Clone, PartialEq)]
pub struct Locality {
    /// The municipality's name, for texts.
    pub name: String,
    /// Its woonplaatsen and its own name, in [`super::name_form`].
    pub towns: Vec<String>,
    /// Where short plus codes are completed, WGS84 degrees.
    pub lat: f64,
    pub lon: f64,
}

impl Locality {
    pub fn new(name: &str, towns: &[&str], lat: f64, lon: f64) -> Locality {
        let mut towns: Vec<String> = towns.iter().map(|t| super::name_form(t)).collect();
        towns.push(super::name_form(name));
        towns.sort();
        towns.dedup();
        Locality {
            name: name.to_string(),
            towns,
            lat,
            lon,
        }
    }

    /// Whether `town` is one of the municipality's own.
    pub fn is_own(&self, town: &str) -> bool {
        let t = super::name_form(town);
        self.towns.contains(&t)
    }
}
