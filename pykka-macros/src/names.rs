//! Names of generated items, derived from the user's identifiers with the user's spans.

use proc_macro2::Ident;
use quote::format_ident;

/// `add_one` becomes `AddOne`; a raw identifier loses its `r#`.
pub(crate) fn upper_camel(ident: &Ident) -> String {
    let raw = ident.to_string();
    let name = raw.strip_prefix("r#").unwrap_or(&raw);
    let mut out = String::with_capacity(name.len());
    let mut upper = true;
    for ch in name.chars() {
        if ch == '_' {
            upper = true;
        } else if upper {
            out.extend(ch.to_uppercase());
            upper = false;
        } else {
            out.push(ch);
        }
    }
    out
}

/// The plain text of an identifier, without `r#`.
pub(crate) fn unraw(ident: &Ident) -> String {
    let raw = ident.to_string();
    raw.strip_prefix("r#").map_or(raw.clone(), str::to_owned)
}

/// `Calculator` becomes `CalculatorProxy`.
pub(crate) fn proxy(ty: &Ident) -> Ident {
    format_ident!("{}Proxy", unraw(ty), span = ty.span())
}

/// `Calculator` becomes `CalculatorDefer`.
pub(crate) fn defer(ty: &Ident) -> Ident {
    format_ident!("{}Defer", unraw(ty), span = ty.span())
}

/// `Calculator` becomes `CalculatorAfter`.
pub(crate) fn after(ty: &Ident) -> Ident {
    format_ident!("{}After", unraw(ty), span = ty.span())
}

/// `Calculator` becomes `CalculatorMessage`.
pub(crate) fn message(ty: &Ident) -> Ident {
    format_ident!("{}Message", unraw(ty), span = ty.span())
}

/// `Calculator` becomes `CalculatorCall`.
pub(crate) fn call(ty: &Ident) -> Ident {
    format_ident!("{}Call", unraw(ty), span = ty.span())
}

/// The variant of a method: `add_one` becomes `AddOne`. Only for names that
/// [`variant_error`] accepts (the checks drop the others).
pub(crate) fn method_variant(method: &Ident) -> Ident {
    let camel = upper_camel(method);
    assert!(
        variant_error(&camel).is_none(),
        "checked: `{method}` has a variant name"
    );
    Ident::new(&camel, method.span())
}

/// Why `camel` (a method's name in UpperCamel case) cannot name an enum variant, if it cannot:
/// empty (`__`), starting with a digit (`_1`), or the keyword `Self` (`self_`).
pub(crate) fn variant_error(camel: &str) -> Option<&'static str> {
    match camel.chars().next() {
        None => Some("this name is made only of underscores"),
        Some(c) if c.is_ascii_digit() => Some("this name starts with a digit after its underscores"),
        Some(_) if camel == "Self" => Some("for this name that is the keyword `Self`"),
        Some(_) => None,
    }
}

/// The variants of a field: `total` becomes `GetTotal` and `SetTotal`.
pub(crate) fn field_variants(field: &Ident) -> (Ident, Ident) {
    let camel = upper_camel(field);
    (
        format_ident!("Get{}", camel, span = field.span()),
        format_ident!("Set{}", camel, span = field.span()),
    )
}

/// The setter of a field: `total` becomes `set_total`.
pub(crate) fn setter(field: &Ident) -> Ident {
    format_ident!("set_{}", unraw(field), span = field.span())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn camel_cases() {
        let id = |s: &str| syn::parse_str::<Ident>(s).unwrap();
        assert_eq!(upper_camel(&id("add_one")), "AddOne");
        assert_eq!(upper_camel(&id("r#type")), "Type");
        assert_eq!(upper_camel(&id("x")), "X");
        assert_eq!(upper_camel(&id("already_Camel_case")), "AlreadyCamelCase");
        assert_eq!(proxy(&id("r#Match")).to_string(), "MatchProxy");
        assert_eq!(setter(&id("r#type")).to_string(), "set_type");
    }

    #[test]
    fn names_that_give_no_variant() {
        let id = |s: &str| syn::parse_str::<Ident>(s).unwrap();
        assert!(variant_error(&upper_camel(&id("__"))).is_some());
        assert!(variant_error(&upper_camel(&id("_1"))).is_some());
        assert!(variant_error(&upper_camel(&id("self_"))).is_some());
        assert!(variant_error(&upper_camel(&id("_x"))).is_none());
        assert_eq!(upper_camel(&id("addOne")), upper_camel(&id("add_one")));
    }
}
