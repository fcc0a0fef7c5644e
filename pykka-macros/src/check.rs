//! The rules an item must follow, one `check_*` function per rule.
//!
//! Checks only report: each error is recorded in the [`Ctxt`] at the user's tokens, and the
//! offending method or field is dropped from the IR so the rest still expands (no cascade of
//! follow-up errors).

use std::collections::HashMap;

use proc_macro2::{Ident, Span};
use syn::Type;

use crate::ast::{Field, Impl, Kind, Method, Receiver, Struct};
use crate::ctxt::Ctxt;
use crate::names;

/// The methods every generated proxy already has: a proxied method or field accessor of the
/// same name would be a duplicate definition.
const RESERVED: [(&str, &str); 5] = [
    ("actor_ref", "`actor_ref()`, returning the actor's reference"),
    ("defer", "`defer()`, returning the proxy's fire-and-forget form"),
    ("attr_path", "`attr_path()`, returning the path to the proxied object"),
    (
        "with_timeout",
        "`with_timeout(..)`, returning the proxy with a default timeout",
    ),
    ("after", "`after(..)`, returning the proxy's delayed form"),
];

/// The methods of the traits every proxy implements (`Clone`, `PartialEq`, `Hash`, `Debug`,
/// `Display`, `ToString`): an inherent method of the same name would silently shadow them
/// (`proxy.clone()` would send a message instead of cloning the proxy).
const SHADOWING: [(&str, &str); 7] = [
    ("clone", "`Clone::clone`"),
    ("clone_from", "`Clone::clone_from`"),
    ("eq", "`PartialEq::eq`"),
    ("ne", "`PartialEq::ne`"),
    ("hash", "`Hash::hash`"),
    ("fmt", "`Debug::fmt` and `Display::fmt`"),
    ("to_string", "`ToString::to_string`"),
];

/// The hint that ends every naming error.
const RENAME_HINT: &str = "rename it, give the proxy another name for it with `#[proxy(rename = \"...\")]`, or leave it off the proxy with `#[proxy(skip)]`";

/// Validates a struct; drops the fields that broke a rule. False if nothing can be generated
/// for it at all.
pub(crate) fn check_struct(cx: &Ctxt, kind: Kind, item: &mut Struct<'_>) -> bool {
    let ok = check_struct_generics(cx, kind, item);
    check_tuple_fields(cx, kind, item);
    item.fields.retain(|f| check_field(cx, kind, f));
    check_accessor_names(cx, kind, item);
    ok
}

/// Validates an impl block; drops the methods that broke a rule.
pub(crate) fn check_impl(cx: &Ctxt, kind: Kind, item: &mut Impl<'_>) -> bool {
    let ok = check_inherent(cx, kind, item) & check_self_type(cx, kind, item) & check_impl_generics(cx, kind, item);
    check_macro_items(cx, kind, item);
    item.methods.retain(|m| !m.is_proxied() || check_method(cx, kind, m));
    check_variant_collisions(cx, item);
    ok
}

/// A `pub` field of a tuple struct has no name to derive accessors from: rather than leave
/// it silently off the proxy, say so.
fn check_tuple_fields(cx: &Ctxt, kind: Kind, item: &Struct<'_>) {
    for field in &item.pub_unnamed {
        cx.error_spanned_by(
            &field.vis,
            format!(
                "`#[{}]` generates accessors only for named fields, so this `pub` field of a tuple struct would not be on the proxy; make it private, mark it `#[proxy(skip)]`, or use a struct with named fields",
                kind.attr()
            ),
        );
    }
}

/// A macro call among the impl's items expands after `#[actor]` has run, so the methods it
/// produces could not be proxied: rather than leave them silently off the proxy, say so.
fn check_macro_items(cx: &Ctxt, kind: Kind, item: &Impl<'_>) {
    for mac in &item.macros {
        cx.error_spanned_by(
            &mac.mac,
            format!(
                "`#[{}]` cannot see the methods this macro produces (it expands later), so they would not be on the proxy; move the macro call to a plain `impl` block, or write the methods out",
                kind.attr()
            ),
        );
    }
}

/// Two methods whose names differ only in case or underscores (`add_one` and `addOne`) would
/// give the same message variant.
fn check_variant_collisions(cx: &Ctxt, item: &mut Impl<'_>) {
    let mut seen: HashMap<String, Ident> = HashMap::new();
    let mut dropped = Vec::new();
    // Methods under `#[cfg]` are left out: two of them may share a name under exclusive
    // configurations (`#[cfg(unix)]` and `#[cfg(not(unix))]`).
    let compared = |m: &Method<'_>| m.is_proxied() && crate::attr::cfgs(&m.forwarded).is_empty();
    for (i, m) in item.methods.iter().enumerate().filter(|(_, m)| compared(m)) {
        let name = m.proxy_name();
        let variant = names::upper_camel(&name);
        if let Some(first) = seen.get(&variant) {
            cx.error_spanned_by(
                &name,
                format!(
                    "the methods `{first}` and `{name}` would both become the message variant `{variant}`; {RENAME_HINT}"
                ),
            );
            dropped.push(i);
        } else {
            seen.insert(variant, name);
        }
    }
    let mut i = 0;
    item.methods.retain(|_| {
        i += 1;
        !dropped.contains(&(i - 1))
    });
}

/// The names a field's accessors take (its getter and, unless it is traversable, its setter)
/// must be free on the proxy, and two fields' accessors must not be the same method or give
/// the same message variant.
fn check_accessor_names(cx: &Ctxt, kind: Kind, item: &mut Struct<'_>) {
    let mut seen: HashMap<String, (Ident, &str)> = HashMap::new();
    let mut variants: HashMap<String, Ident> = HashMap::new();
    let mut dropped = Vec::new();
    for (i, f) in item.fields.iter().enumerate().filter(|(_, f)| f.is_proxied()) {
        let before = count(cx);
        let getter = f.accessor();
        // Fields under `#[cfg]` are only checked against the reserved names (see
        // `check_variant_collisions`).
        let compared = crate::attr::cfgs(&f.forwarded).is_empty();
        let mut accessors = vec![(getter.clone(), "getter")];
        if f.traversable.is_empty() {
            accessors.push((names::setter(&getter), "setter"));
        }
        for (name, what) in &accessors {
            let text = names::unraw(name);
            check_free_name(
                cx,
                kind,
                &text,
                getter.span(),
                &format!("the {what} of the field `{}`", f.ident),
            );
            if let Some((other, other_what)) = seen.get(&text).filter(|_| compared) {
                cx.push(syn::Error::new(
                    getter.span(),
                    format!(
                        "the {what} `{text}` of the field `{}` would also be the {other_what} of the field `{other}`; rename or skip one field's accessors with `#[proxy(rename = \"...\")]` or `#[proxy(skip)]`",
                        f.ident
                    ),
                ));
            }
        }
        if f.traversable.is_empty() {
            let variant = names::upper_camel(&getter);
            if let Some(other) = variants.get(&variant).filter(|_| compared) {
                cx.push(syn::Error::new(
                    getter.span(),
                    format!(
                        "the fields `{other}` and `{}` would both give the message variants `Get{variant}` and `Set{variant}`; rename one field's accessors with `#[proxy(rename = \"...\")]`",
                        f.ident
                    ),
                ));
            }
            if compared {
                variants.entry(variant).or_insert_with(|| f.ident.clone());
            }
        }
        for (name, what) in accessors.into_iter().filter(|_| compared) {
            seen.entry(names::unraw(&name))
                .or_insert_with(|| (f.ident.clone(), what));
        }
        if count(cx) != before {
            dropped.push(i);
        }
    }
    let mut i = 0;
    item.fields.retain(|_| {
        i += 1;
        !dropped.contains(&(i - 1))
    });
}

/// `name`, a proxy method the user's item asks for (`what`), must not be one the proxy
/// already has or one that shadows a trait method of the proxy.
fn check_free_name(cx: &Ctxt, kind: Kind, name: &str, span: Span, what: &str) {
    if let Some((_, owner)) = RESERVED.iter().find(|(n, _)| *n == name) {
        cx.push(syn::Error::new(
            span,
            format!(
                "{what} would be the proxy method `{name}`, but every proxy `#[{}]` generates already has {owner}; {RENAME_HINT}",
                kind.attr()
            ),
        ));
    }
    if let Some((_, trait_method)) = SHADOWING.iter().find(|(n, _)| *n == name) {
        cx.push(syn::Error::new(
            span,
            format!(
                "{what} would be the proxy method `{name}`, which would shadow the proxy's {trait_method} (method calls would pick the proxied method); {RENAME_HINT}"
            ),
        ));
    }
}

/// A traversable type is reached from any actor, so it cannot itself be generic.
fn check_struct_generics(cx: &Ctxt, kind: Kind, item: &Struct<'_>) -> bool {
    if kind == Kind::Traversable && !item.original.generics.params.is_empty() {
        cx.error_spanned_by(&item.original.generics, "`#[traversable]` types cannot be generic");
        return false;
    }
    true
}

fn check_impl_generics(cx: &Ctxt, kind: Kind, item: &Impl<'_>) -> bool {
    if kind == Kind::Traversable && !item.original.generics.params.is_empty() {
        cx.error_spanned_by(&item.original.generics, "`#[traversable]` types cannot be generic");
        return false;
    }
    true
}

/// Only inherent impls: a trait's methods are not the actor's own.
fn check_inherent(cx: &Ctxt, kind: Kind, item: &Impl<'_>) -> bool {
    if let Some((_, path, _)) = &item.original.trait_ {
        cx.error_spanned_by(
            path,
            format!(
                "`#[{}]` applies to an inherent `impl` block, not a trait impl",
                kind.attr()
            ),
        );
        return false;
    }
    true
}

/// The proxy is named after the self type, so it must be a plain path.
fn check_self_type(cx: &Ctxt, kind: Kind, item: &Impl<'_>) -> bool {
    if item.self_ident.is_none() {
        cx.error_spanned_by(
            &item.original.self_ty,
            format!("`#[{}]` needs an `impl` block for a named struct", kind.attr()),
        );
        return false;
    }
    true
}

/// Every rule for one proxied method; true if it passed all of them.
fn check_method(cx: &Ctxt, kind: Kind, m: &Method<'_>) -> bool {
    let before = count(cx);
    check_method_name(cx, kind, m);
    check_receiver(cx, m);
    check_method_generics(cx, m);
    check_async(cx, m);
    check_unsafe(cx, m);
    check_variadic(cx, m);
    check_args(cx, kind, m);
    check_output(cx, m);
    count(cx) == before
}

fn count(cx: &Ctxt) -> usize {
    cx.len()
}

/// The proxy method's name (the method's, or its `#[proxy(rename)]`) must be an identifier,
/// give a message variant, and be free on the proxy.
fn check_method_name(cx: &Ctxt, kind: Kind, m: &Method<'_>) {
    if let Some((name, span)) = &m.opts.rename
        && syn::parse_str::<Ident>(name).is_err()
    {
        cx.push(syn::Error::new(
            *span,
            format!("`{name}` is not a valid method name for `#[proxy(rename = \"...\")]`"),
        ));
        return;
    }
    let name = m.proxy_name();
    let camel = names::upper_camel(&name);
    if let Some(why) = names::variant_error(&camel) {
        cx.push(syn::Error::new(
            name.span(),
            format!(
                "the method name `{name}` gives no message variant (its variant is the name in UpperCamelCase, and {why}); {RENAME_HINT}"
            ),
        ));
    }
    check_free_name(
        cx,
        kind,
        &names::unraw(&name),
        name.span(),
        &format!("the method `{}`", m.ident),
    );
}

/// The call travels to another thread: `self` stays there, so it cannot be taken by value.
fn check_receiver(cx: &Ctxt, m: &Method<'_>) {
    if m.receiver == Receiver::Value {
        cx.push(syn::Error::new(
            m.receiver_span,
            "proxied methods cannot take `self` by value; take `&self` or `&mut self`",
        ));
    }
}

/// A message enum variant has one fixed set of argument types.
fn check_method_generics(cx: &Ctxt, m: &Method<'_>) {
    let generics = &m.original.sig.generics;
    if !generics.params.is_empty() || generics.where_clause.is_some() {
        cx.error_spanned_by(
            generics,
            "proxied methods cannot be generic; move the type parameter to the actor struct or make the method private",
        );
    }
}

/// The actor's thread runs one message to completion; there is no executor to poll with.
fn check_async(cx: &Ctxt, m: &Method<'_>) {
    if let Some(token) = &m.original.sig.asyncness {
        cx.error_spanned_by(
            token,
            "proxied methods cannot be `async`; the actor runs each call to completion on its thread",
        );
    }
}

/// A proxy call cannot uphold an `unsafe fn`'s contract for the caller.
fn check_unsafe(cx: &Ctxt, m: &Method<'_>) {
    if let Some(token) = &m.original.sig.unsafety {
        cx.error_spanned_by(token, "proxied methods cannot be `unsafe fn`; make it safe or private");
    }
}

fn check_variadic(cx: &Ctxt, m: &Method<'_>) {
    if let Some(v) = &m.original.sig.variadic {
        cx.error_spanned_by(v, "proxied methods cannot be variadic");
    }
}

/// Arguments are moved into a message: plain names, owned, and not `reply` (the reply slot's
/// field in the message enum).
fn check_args(cx: &Ctxt, kind: Kind, m: &Method<'_>) {
    let hint = keep_off_hint(m);
    for arg in &m.args {
        if arg.is_context {
            if kind == Kind::Traversable {
                cx.error_spanned_by(
                    &arg.ty,
                    "`#[traversable]` methods cannot take a `&Context`; only the actor's own methods can",
                );
            }
            continue;
        }
        match &arg.ident {
            None => cx.error_spanned_by(arg.pat, "proxied method arguments must be plain names, not patterns"),
            Some(ident) if ident == "reply" => cx.error_spanned_by(
                ident,
                "proxied methods cannot have an argument named `reply`: it is the reply slot of the message; rename it",
            ),
            Some(_) => {}
        }
        check_owned(cx, &arg.ty, "argument", &hint);
    }
}

/// How to keep a method that borrows off the proxy, for the borrow errors: such a method is
/// often a helper that was never meant to be called through the proxy.
fn keep_off_hint(m: &Method<'_>) -> String {
    let lead = match m.vis {
        syn::Visibility::Restricted(r) => {
            let path = quote::ToTokens::to_token_stream(&r.path).to_string().replace(' ', "");
            let inn = if r.in_token.is_some() { "in " } else { "" };
            format!("`pub({inn}{path})` methods are proxied too; ")
        }
        _ => String::new(),
    };
    format!(
        "; {lead}to keep `{}` off the proxy, make it private, move it to a plain `impl` block, or mark it `#[proxy(skip)]`",
        m.ident
    )
}

/// Replies travel back to another thread, so they cannot borrow from the actor.
fn check_output(cx: &Ctxt, m: &Method<'_>) {
    if let Some(ty) = &m.output {
        check_owned(cx, ty, "return type", &keep_off_hint(m));
    }
}

/// Arguments and replies cross threads, so they must own what they hold: no lifetime but
/// `'static`, whether on a reference (`&str`, `&'a str`), named or `'_` in a path, or elided in
/// a `Cow`, and not even nested in a generic argument (`Vec<&str>`). Lifetimes under `Fn(..)`
/// sugar, `fn` pointers and trait objects are left alone: they are bound there, not borrowed.
fn check_owned(cx: &Ctxt, ty: &Type, what: &str, hint: &str) {
    match ty {
        Type::Reference(r) if is_static(r.lifetime.as_ref()) => check_borrows(cx, &r.elem, what, hint),
        Type::Reference(_) => cx.error_spanned_by(
            ty,
            format!("a proxied method's {what} cannot be a reference: it crosses threads; use an owned type{hint}"),
        ),
        Type::ImplTrait(_) => cx.error_spanned_by(
            ty,
            format!("a proxied method's {what} cannot be `impl Trait`; name the type"),
        ),
        Type::Paren(p) => check_owned(cx, &p.elem, what, hint),
        Type::Group(g) => check_owned(cx, &g.elem, what, hint),
        Type::Tuple(t) => t.elems.iter().for_each(|e| check_owned(cx, e, what, hint)),
        Type::Array(a) => check_borrows(cx, &a.elem, what, hint),
        Type::Slice(s) => check_borrows(cx, &s.elem, what, hint),
        Type::Path(p) => check_path_borrows(cx, p, what, hint),
        _ => {}
    }
}

/// `check_owned` for a type nested inside the argument's type: same rules, worded for a part.
fn check_borrows(cx: &Ctxt, ty: &Type, what: &str, hint: &str) {
    match ty {
        Type::Reference(r) if !is_static(r.lifetime.as_ref()) => cx.error_spanned_by(
            ty,
            format!("a proxied method's {what} cannot hold a reference: it crosses threads; use an owned type{hint}"),
        ),
        _ => check_owned(cx, ty, what, hint),
    }
}

/// The generic arguments of a path type: lifetimes must be `'static`, types are checked in
/// turn, and a `Cow` must name its lifetime (an elided one would borrow).
fn check_path_borrows(cx: &Ctxt, p: &syn::TypePath, what: &str, hint: &str) {
    if let Some(q) = &p.qself {
        check_borrows(cx, &q.ty, what, hint);
    }
    for segment in &p.path.segments {
        let syn::PathArguments::AngleBracketed(args) = &segment.arguments else {
            continue;
        };
        let mut lifetimes = 0;
        for arg in &args.args {
            match arg {
                syn::GenericArgument::Lifetime(lifetime) => {
                    lifetimes += 1;
                    if !is_static(Some(lifetime)) {
                        cx.error_spanned_by(
                            lifetime,
                            format!(
                                "a proxied method's {what} cannot borrow for `{lifetime}`: it crosses threads; use `'static` or an owned type{hint}"
                            ),
                        );
                    }
                }
                syn::GenericArgument::Type(ty) => check_borrows(cx, ty, what, hint),
                _ => {}
            }
        }
        if segment.ident == "Cow" && lifetimes == 0 && !args.args.is_empty() {
            cx.error_spanned_by(
                segment,
                format!(
                    "a proxied method's {what} cannot borrow: this `Cow` has an elided lifetime and crosses threads; write `Cow<'static, ...>` or use an owned type{hint}"
                ),
            );
        }
    }
}

/// Whether `lifetime` is written and is `'static`.
fn is_static(lifetime: Option<&syn::Lifetime>) -> bool {
    lifetime.is_some_and(|l| l.ident == "static")
}

/// Field rules: at most one `#[traversable]`, without arguments, on a `pub` field.
fn check_field(cx: &Ctxt, kind: Kind, f: &Field<'_>) -> bool {
    let before = count(cx);
    if f.traversable.len() > 1 {
        cx.error_spanned_by(f.traversable[1], "duplicate `#[traversable]` attribute");
    }
    for attr in &f.traversable {
        if !matches!(attr.meta, syn::Meta::Path(_)) {
            cx.error_spanned_by(attr, "`#[traversable]` on a field takes no arguments");
        }
    }
    if !f.traversable.is_empty() && !f.public {
        cx.error_spanned_by(
            f.traversable[0],
            "only `pub` fields can be `#[traversable]`: the nested proxy exposes the field",
        );
    }
    if let Some((name, span)) = &f.opts.rename
        && syn::parse_str::<Ident>(name).is_err()
    {
        cx.push(syn::Error::new(
            *span,
            format!("`{name}` is not a valid field name for `#[proxy(rename = \"...\")]`"),
        ));
    }
    let _ = kind;
    count(cx) == before
}
