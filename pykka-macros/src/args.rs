//! The arguments of `#[actor(...)]` and `#[traversable(...)]`: there are none yet.

use proc_macro2::TokenStream;

use crate::ast::Kind;

/// Rejects any argument, naming the attribute.
pub(crate) fn parse(kind: Kind, args: TokenStream) -> syn::Result<()> {
    if args.is_empty() {
        return Ok(());
    }
    Err(syn::Error::new_spanned(
        args,
        format!("`#[{}]` takes no arguments", kind.attr()),
    ))
}
