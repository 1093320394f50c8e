//! The `wire_enum!` macro: string enums of the Remote Pay wire that keep unknown values.
//!
//! Every enum on the wire is sent as its upper-case name. Devices and SDKs grow new values over
//! time, so each generated enum has an `Unknown(String)` variant that keeps the raw text instead of
//! failing the whole frame (PROTOCOL.md §8.1).

/// Declares a wire enum: unit variants with their wire names plus `Unknown(String)`.
macro_rules! wire_enum {
    (
        $(#[$meta:meta])*
        $name:ident { $($(#[$vmeta:meta])* $variant:ident = $wire:literal),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
            /// A value this version of `till` does not know, kept verbatim.
            Unknown(String),
        }

        impl $name {
            /// Every known value, in wire order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The wire text of this value.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $wire,)+
                    $name::Unknown(raw) => raw,
                }
            }

            /// Parses wire text; unknown text becomes `Unknown`.
            pub fn from_wire(text: &str) -> Self {
                match text {
                    $($wire => $name::$variant,)+
                    other => $name::Unknown(other.to_owned()),
                }
            }

            /// False for `Unknown`.
            pub fn is_known(&self) -> bool {
                !matches!(self, $name::Unknown(_))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                // Tolerant: a non-string value is kept as its JSON text rather than failing the frame.
                let value = <serde_json::Value as serde::Deserialize>::deserialize(d)?;
                Ok(match value {
                    serde_json::Value::String(text) => $name::from_wire(&text),
                    other => $name::Unknown(other.to_string()),
                })
            }
        }
    };
}

pub(crate) use wire_enum;
