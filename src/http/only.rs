//! `fields=`: a struct serialised with only the members a caller chose, written straight to
//! the response (choosing from a full `serde_json::Value` cost more than the whole answer).

use serde::ser::{Error, Impossible, Serialize, SerializeStruct, Serializer};

/// `value` serialised with only the named members, in its own order.
pub(super) struct Only<'a, T> {
    pub value: &'a T,
    pub members: &'a [String],
}

impl<T: Serialize> Serialize for Only<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(Chooser {
            inner: serializer,
            members: self.members,
        })
    }
}

struct Chooser<'a, S> {
    inner: S,
    members: &'a [String],
}

struct Chosen<'a, S> {
    inner: S,
    members: &'a [String],
}

impl<S: SerializeStruct> SerializeStruct for Chosen<'_, S> {
    type Ok = S::Ok;
    type Error = S::Error;

    fn serialize_field<V: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &V,
    ) -> Result<(), S::Error> {
        if self.members.iter().any(|m| m == key) {
            self.inner.serialize_field(key, value)
        } else {
            Ok(())
        }
    }

    fn skip_field(&mut self, key: &'static str) -> Result<(), S::Error> {
        self.inner.skip_field(key)
    }

    fn end(self) -> Result<S::Ok, S::Error> {
        self.inner.end()
    }
}

/// Every serializer method but `serialize_struct` refuses: members can only be chosen from a
/// struct.
macro_rules! not_a_struct {
    ($($method:ident($($arg:ty),*) -> $out:ty;)*) => {
        $(fn $method(self, $(_: $arg),*) -> Result<$out, S::Error> {
            Err(S::Error::custom("members can only be chosen from a struct"))
        })*
    };
}

impl<'a, S: Serializer> Serializer for Chooser<'a, S> {
    type Ok = S::Ok;
    type Error = S::Error;
    type SerializeSeq = Impossible<S::Ok, S::Error>;
    type SerializeTuple = Impossible<S::Ok, S::Error>;
    type SerializeTupleStruct = Impossible<S::Ok, S::Error>;
    type SerializeTupleVariant = Impossible<S::Ok, S::Error>;
    type SerializeMap = Impossible<S::Ok, S::Error>;
    type SerializeStruct = Chosen<'a, S::SerializeStruct>;
    type SerializeStructVariant = Impossible<S::Ok, S::Error>;

    fn serialize_struct(
        self,
        name: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStruct, S::Error> {
        Ok(Chosen {
            inner: self.inner.serialize_struct(name, len)?,
            members: self.members,
        })
    }

    fn serialize_some<V: ?Sized + Serialize>(self, _: &V) -> Result<S::Ok, S::Error> {
        Err(S::Error::custom("members can only be chosen from a struct"))
    }

    fn serialize_newtype_struct<V: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: &V,
    ) -> Result<S::Ok, S::Error> {
        Err(S::Error::custom("members can only be chosen from a struct"))
    }

    fn serialize_newtype_variant<V: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &V,
    ) -> Result<S::Ok, S::Error> {
        Err(S::Error::custom("members can only be chosen from a struct"))
    }

    not_a_struct! {
        serialize_bool(bool) -> S::Ok;
        serialize_i8(i8) -> S::Ok;
        serialize_i16(i16) -> S::Ok;
        serialize_i32(i32) -> S::Ok;
        serialize_i64(i64) -> S::Ok;
        serialize_u8(u8) -> S::Ok;
        serialize_u16(u16) -> S::Ok;
        serialize_u32(u32) -> S::Ok;
        serialize_u64(u64) -> S::Ok;
        serialize_f32(f32) -> S::Ok;
        serialize_f64(f64) -> S::Ok;
        serialize_char(char) -> S::Ok;
        serialize_str(&str) -> S::Ok;
        serialize_bytes(&[u8]) -> S::Ok;
        serialize_none() -> S::Ok;
        serialize_unit() -> S::Ok;
        serialize_unit_struct(&'static str) -> S::Ok;
        serialize_unit_variant(&'static str, u32, &'static str) -> S::Ok;
        serialize_seq(Option<usize>) -> Self::SerializeSeq;
        serialize_tuple(usize) -> Self::SerializeTuple;
        serialize_tuple_struct(&'static str, usize) -> Self::SerializeTupleStruct;
        serialize_tuple_variant(&'static str, u32, &'static str, usize) -> Self::SerializeTupleVariant;
        serialize_map(Option<usize>) -> Self::SerializeMap;
        serialize_struct_variant(&'static str, u32, &'static str, usize) -> Self::SerializeStructVariant;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Serialize)]
    struct Three {
        a: u8,
        #[serde(skip_serializing_if = "Option::is_none")]
        b: Option<&'static str>,
        c: Vec<u8>,
    }

    fn only(members: &[&str], value: &Three) -> String {
        let members: Vec<String> = members.iter().map(|m| m.to_string()).collect();
        serde_json::to_string(&Only {
            value,
            members: &members,
        })
        .unwrap()
    }

    #[test]
    fn only_the_chosen_members_in_the_structs_order() {
        let v = Three {
            a: 1,
            b: Some("x"),
            c: vec![2, 3],
        };
        assert_eq!(only(&["c", "a"], &v), r#"{"a":1,"c":[2,3]}"#);
        assert_eq!(only(&["b"], &v), r#"{"b":"x"}"#);
        assert_eq!(only(&["nothing"], &v), "{}");
        let skipped = Three { b: None, ..v };
        assert_eq!(only(&["a", "b"], &skipped), r#"{"a":1}"#);
    }

    #[test]
    fn a_value_that_is_not_a_struct_is_refused() {
        let members = vec!["a".to_string()];
        let e = serde_json::to_string(&Only {
            value: &vec![1, 2],
            members: &members,
        })
        .unwrap_err();
        assert!(
            e.to_string().contains("only be chosen from a struct"),
            "{e}"
        );
    }
}
