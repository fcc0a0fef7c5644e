//! Code generation from the checked IR: one function per generated item, then concatenation.
//!
//! - [`message`]: the message enums (`{T}Message` for fields, `{T}Call` for methods) and their
//!   `Dispatch` impls, Pykka's `ProxyGetAttr`/`ProxySetAttr`/`ProxyCall`;
//! - [`proxy`]: the proxy structs (`{T}Proxy`, `{T}Defer`), their trait impls and methods;
//! - [`traversable`]: nested-proxy accessors and the `Traversable` impl.

pub(crate) mod message;
pub(crate) mod proxy;
pub(crate) mod traversable;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;
use syn::{Generics, Type};

use crate::ast::Kind;

/// The name of the generic root-actor parameter of nested (traversable) proxies.
pub(crate) fn root_param() -> Ident {
    Ident::new("PykkaRootActor", Span::call_site())
}

/// Where generated items for one struct or impl live and how they are parameterised.
pub(crate) struct Shape {
    pub(crate) kind: Kind,
    /// The user's type, as written in its struct or impl (`Calculator<T>`).
    pub(crate) self_ty: Type,
    /// The type's own generics (empty for traversable types).
    pub(crate) generics: Generics,
    /// The proxy's type, with its arguments (`CalculatorProxy<T>` or
    /// `PlaybackProxy<PykkaRootActor>`).
    pub(crate) proxy_ty: TokenStream,
    /// The defer type, likewise.
    pub(crate) defer_ty: TokenStream,
    /// The delayed form's type (`proxy.after(delay)`), likewise.
    pub(crate) after_ty: TokenStream,
    /// The root actor the proxy's messages go to.
    pub(crate) root_ty: TokenStream,
}

impl Shape {
    /// The generics of the proxy's impls: the type's own, plus the root actor for traversables.
    pub(crate) fn proxy_generics(&self) -> Generics {
        let mut g = self.generics.clone();
        if self.kind == Kind::Traversable {
            let root = root_param();
            g.params.push(syn::parse_quote!(#root: ::pykka::Actor));
        } else {
            // Deferred, so that a type without `impl Actor` is reported once, by the struct's
            // `assert_actor`, rather than at every generated impl.
            let self_ty = &self.self_ty;
            let deferred = deferred();
            g.make_where_clause()
                .predicates
                .push(syn::parse_quote!(#deferred #self_ty: ::pykka::Actor));
        }
        g
    }

    /// [`Shape::proxy_generics`] plus `message: Dispatch<Self>`, [`deferred`], for the impl
    /// blocks whose methods send `message`: if it cannot be dispatched (a non-`Send` argument,
    /// a missing `#[actor]` impl block), that mistake's own error is the only one, and these
    /// methods are simply not callable.
    pub(crate) fn with_dispatch(&self, message: TokenStream) -> Generics {
        let mut g = self.proxy_generics();
        let self_ty = &self.self_ty;
        let deferred = deferred();
        g.make_where_clause()
            .predicates
            .push(syn::parse_quote!(#deferred #message: ::pykka::Dispatch<#self_ty>));
        g
    }
}

/// The binder that turns a where-clause predicate on concrete types into one rustc checks
/// only where the item is used, not where it is defined: `for<'__pykka> Counter: HasMethods`.
///
/// A plain `Counter: HasMethods` on a non-generic impl is a "trivial bound" that rustc rejects
/// at the impl when it does not hold (rust-lang/rust#48214), so one missing `#[actor]` impl
/// block or one non-`Send` argument would be reported again at every generated impl and
/// method. Under the binder the impl (or method) just does not apply, and the user sees the one
/// error that explains the mistake.
pub(crate) fn deferred() -> TokenStream {
    quote!(for<'__pykka>)
}

/// The predicates of the user's `where` clause, each followed by a comma, for generated impls
/// that add predicates of their own.
pub(crate) fn user_predicates(generics: &Generics) -> TokenStream {
    let predicates = generics.where_clause.iter().flat_map(|w| w.predicates.iter());
    quote!(#(#predicates,)*)
}

/// The `#[doc]` attributes, forwarded.
pub(crate) fn docs(attrs: &[&syn::Attribute]) -> TokenStream {
    quote!(#(#attrs)*)
}

/// A local variable of generated code, with mixed-site hygiene: no argument of the user's,
/// whatever its name, can shadow it or be shadowed by it.
pub(crate) fn local(name: &str) -> Ident {
    Ident::new(name, Span::mixed_site())
}

/// A variant that uses every type parameter and can never be built, for generic enums whose
/// parameters no variant mentions.
pub(crate) fn phantom_variant(generics: &Generics, self_ty: &Type) -> TokenStream {
    if generics.params.is_empty() {
        return TokenStream::new();
    }
    quote! {
        #[doc(hidden)]
        __Phantom(::core::marker::PhantomData<fn() -> #self_ty>, ::core::convert::Infallible),
    }
}

/// The match arm of [`phantom_variant`], matching `self` by value or (`by_ref`) through a
/// reference.
pub(crate) fn phantom_arm(generics: &Generics, by_ref: bool) -> TokenStream {
    if generics.params.is_empty() {
        return TokenStream::new();
    }
    if by_ref {
        quote!(Self::__Phantom(_, never) => match *never {},)
    } else {
        quote!(Self::__Phantom(_, never) => match never {},)
    }
}
