//! The rules an item must follow, one `check_*` function per rule.
//!
//! Checks only report: each error is recorded in the [`Ctxt`] at the user's tokens, and the
//! offending method or field is dropped from the IR so the rest still expands (no cascade of
//! follow-up errors).

use syn::Type;

use crate::ast::{Field, Impl, Kind, Method, Receiver, Struct};
use crate::ctxt::Ctxt;

/// Validates a struct; drops the fields that broke a rule. False if nothing can be generated
/// for it at all.
pub(crate) fn check_struct(cx: &Ctxt, kind: Kind, item: &mut Struct<'_>) -> bool {
    let ok = check_struct_generics(cx, kind, item);
    item.fields.retain(|f| check_field(cx, kind, f));
    ok
}

/// Validates an impl block; drops the methods that broke a rule.
pub(crate) fn check_impl(cx: &Ctxt, kind: Kind, item: &mut Impl<'_>) -> bool {
    let ok = check_inherent(cx, kind, item) & check_self_type(cx, kind, item) & check_impl_generics(cx, kind, item);
    item.methods.retain(|m| !m.is_proxied() || check_method(cx, kind, m));
    ok
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
    for arg in &m.args {
        if arg.is_context {
            if kind == Kind::Traversable {
                cx.error_spanned_by(
                    arg.ty,
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
        check_owned(cx, arg.ty, "argument");
    }
}

/// Replies travel back to another thread, so they cannot borrow from the actor.
fn check_output(cx: &Ctxt, m: &Method<'_>) {
    if let Some(ty) = m.output {
        check_owned(cx, ty, "return type");
    }
}

/// Arguments and replies cross threads, so they must own what they hold: no lifetime but
/// `'static`, whether on a reference (`&str`, `&'a str`), named or `'_` in a path, or elided in
/// a `Cow`, and not even nested in a generic argument (`Vec<&str>`). Lifetimes under `Fn(..)`
/// sugar, `fn` pointers and trait objects are left alone: they are bound there, not borrowed.
fn check_owned(cx: &Ctxt, ty: &Type, what: &str) {
    match ty {
        Type::Reference(r) if is_static(r.lifetime.as_ref()) => check_borrows(cx, &r.elem, what),
        Type::Reference(_) => cx.error_spanned_by(
            ty,
            format!("a proxied method's {what} cannot be a reference: it crosses threads; use an owned type"),
        ),
        Type::ImplTrait(_) => cx.error_spanned_by(
            ty,
            format!("a proxied method's {what} cannot be `impl Trait`; name the type"),
        ),
        Type::Paren(p) => check_owned(cx, &p.elem, what),
        Type::Group(g) => check_owned(cx, &g.elem, what),
        Type::Tuple(t) => t.elems.iter().for_each(|e| check_owned(cx, e, what)),
        Type::Array(a) => check_borrows(cx, &a.elem, what),
        Type::Slice(s) => check_borrows(cx, &s.elem, what),
        Type::Path(p) => check_path_borrows(cx, p, what),
        _ => {}
    }
}

/// `check_owned` for a type nested inside the argument's type: same rules, worded for a part.
fn check_borrows(cx: &Ctxt, ty: &Type, what: &str) {
    match ty {
        Type::Reference(r) if !is_static(r.lifetime.as_ref()) => cx.error_spanned_by(
            ty,
            format!("a proxied method's {what} cannot hold a reference: it crosses threads; use an owned type"),
        ),
        _ => check_owned(cx, ty, what),
    }
}

/// The generic arguments of a path type: lifetimes must be `'static`, types are checked in
/// turn, and a `Cow` must name its lifetime (an elided one would borrow).
fn check_path_borrows(cx: &Ctxt, p: &syn::TypePath, what: &str) {
    if let Some(q) = &p.qself {
        check_borrows(cx, &q.ty, what);
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
                                "a proxied method's {what} cannot borrow for `{lifetime}`: it crosses threads; use `'static` or an owned type"
                            ),
                        );
                    }
                }
                syn::GenericArgument::Type(ty) => check_borrows(cx, ty, what),
                _ => {}
            }
        }
        if segment.ident == "Cow" && lifetimes == 0 && !args.args.is_empty() {
            cx.error_spanned_by(
                segment,
                format!(
                    "a proxied method's {what} cannot borrow: this `Cow` has an elided lifetime and crosses threads; write `Cow<'static, ...>` or use an owned type"
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
    let _ = kind;
    count(cx) == before
}
