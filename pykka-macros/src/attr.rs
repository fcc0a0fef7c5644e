//! The helper attributes on fields and methods: `#[proxy(skip)]`, `#[proxy(rename = "...")]`,
//! `#[proxy(actor)]` (a traversable's method given its actor),
//! and which of the user's attributes are forwarded to the generated items.

use proc_macro2::Span;
use syn::{Attribute, LitStr};

use crate::ctxt::Ctxt;

/// What `#[proxy(...)]` on a field or method asked for.
#[derive(Default)]
pub(crate) struct ProxyOpts {
    /// `#[proxy(skip)]`: nothing is generated for the item.
    pub(crate) skip: bool,
    /// `#[proxy(rename = "name")]`: the name the proxy uses instead of the item's own.
    pub(crate) rename: Option<(String, Span)>,
    /// `#[proxy(actor)]`: a traversable's method given its actor (first argument `&mut A`).
    pub(crate) actor: Option<Span>,
}

/// Parses every `#[proxy(...)]` in `attrs`, recording malformed ones in `cx`.
pub(crate) fn proxy_opts(cx: &Ctxt, attrs: &[Attribute]) -> ProxyOpts {
    let mut opts = ProxyOpts::default();
    for attr in attrs.iter().filter(|a| is_proxy(a)) {
        let result = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("skip") {
                opts.skip = true;
                Ok(())
            } else if meta.path.is_ident("actor") {
                if opts.actor.is_some() {
                    return Err(meta.error("duplicate `actor` in `#[proxy(...)]`"));
                }
                opts.actor = Some(syn::spanned::Spanned::span(&meta.path));
                Ok(())
            } else if meta.path.is_ident("rename") {
                let name: LitStr = meta.value()?.parse()?;
                if opts.rename.is_some() {
                    return Err(meta.error("duplicate `rename` in `#[proxy(...)]`"));
                }
                opts.rename = Some((name.value(), name.span()));
                Ok(())
            } else {
                Err(meta.error("expected `skip`, `rename = \"...\"` or `actor` in `#[proxy(...)]`"))
            }
        });
        if let Err(e) = result {
            cx.push(e);
        }
    }
    if opts.skip
        && let Some(span) = &opts.actor
    {
        cx.push(syn::Error::new(
            *span,
            "`#[proxy(skip)]` and `actor` cannot be combined",
        ));
    }
    if opts.skip
        && let Some((_, span)) = &opts.rename
    {
        cx.push(syn::Error::new(
            *span,
            "`#[proxy(skip)]` and `rename` cannot be combined",
        ));
    }
    opts
}

/// `#[proxy(...)]`, our helper attribute, stripped from the user's item.
pub(crate) fn is_proxy(attr: &Attribute) -> bool {
    attr.path().is_ident("proxy")
}

/// The attributes forwarded from a field or method to everything generated from it:
/// `#[cfg]` (so that a configured-out item generates nothing), `#[allow]` and `#[deprecated]`.
pub(crate) fn forwarded(attrs: &[Attribute]) -> Vec<&Attribute> {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("cfg") || a.path().is_ident("allow"))
        .collect()
}

/// The `#[deprecated]` attributes, forwarded to the proxy's methods only (the messages the
/// generated code builds itself would warn inside the expansion).
pub(crate) fn deprecated(attrs: &[Attribute]) -> Vec<&Attribute> {
    attrs.iter().filter(|a| a.path().is_ident("deprecated")).collect()
}

/// The `#[cfg]` attributes alone, for match arms and other places where `#[allow]` is noise.
pub(crate) fn cfgs<'a>(attrs: &[&'a Attribute]) -> Vec<&'a Attribute> {
    attrs.iter().copied().filter(|a| a.path().is_ident("cfg")).collect()
}
