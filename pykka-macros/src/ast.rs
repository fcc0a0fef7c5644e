//! Our view of the user's item: the IR the checks judge and the generators read.
//!
//! Building it never fails on a rule; it only records what is there, keeping the original syn
//! nodes so that [`crate::check`] can point at the user's exact tokens.

use proc_macro2::{Ident, Span, TokenStream, TokenTree};
use quote::{ToTokens, quote_spanned};
use syn::{
    Attribute, Field as SynField, FnArg, ImplItem, ImplItemFn, ImplItemMacro, ItemImpl, ItemStruct, Pat, ReturnType,
    Type, Visibility,
};

use crate::attr::{self, ProxyOpts};
use crate::ctxt::Ctxt;

/// Which macro is expanding.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `#[actor]`: the item is an actor.
    Actor,
    /// `#[traversable]`: the item is reached through an actor's field.
    Traversable,
    /// `#[interface]`: the item is a trait that actors implement.
    Interface,
}

impl Kind {
    pub(crate) fn attr(self) -> &'static str {
        match self {
            Kind::Actor => "actor",
            Kind::Traversable => "traversable",
            Kind::Interface => "interface",
        }
    }
}

/// A struct under `#[actor]` or `#[traversable]`.
pub(crate) struct Struct<'a> {
    pub(crate) original: &'a ItemStruct,
    pub(crate) fields: Vec<Field<'a>>,
    /// The `pub` fields of a tuple struct, which get no accessors.
    pub(crate) pub_unnamed: Vec<&'a SynField>,
}

/// A named field.
pub(crate) struct Field<'a> {
    pub(crate) ident: Ident,
    pub(crate) ty: &'a Type,
    pub(crate) public: bool,
    pub(crate) vis: &'a Visibility,
    /// Every `#[traversable]` attribute on the field (more than one is an error).
    pub(crate) traversable: Vec<&'a Attribute>,
    pub(crate) docs: Vec<&'a Attribute>,
    /// `#[cfg]` and `#[allow]`, forwarded to the accessors and message variants.
    pub(crate) forwarded: Vec<&'a Attribute>,
    /// `#[deprecated]`, forwarded to the accessors.
    pub(crate) deprecated: Vec<&'a Attribute>,
    /// `#[proxy(skip)]` / `#[proxy(rename = "...")]`.
    pub(crate) opts: ProxyOpts,
}

/// An inherent impl block under `#[actor]` or `#[traversable]`.
pub(crate) struct Impl<'a> {
    pub(crate) original: &'a ItemImpl,
    /// The last segment of the self type's path (`Calculator` in `impl<T> a::Calculator<T>`).
    pub(crate) self_ident: Option<Ident>,
    pub(crate) methods: Vec<Method<'a>>,
    /// Macro invocations among the items: what they expand to is not proxied.
    pub(crate) macros: Vec<&'a ImplItemMacro>,
}

/// How a method takes `self`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Receiver {
    Ref,
    Mut,
    Value,
    None,
}

/// A method of the impl block.
pub(crate) struct Method<'a> {
    pub(crate) original: &'a ImplItemFn,
    pub(crate) ident: Ident,
    pub(crate) vis: &'a Visibility,
    pub(crate) receiver: Receiver,
    pub(crate) receiver_span: Span,
    pub(crate) args: Vec<Arg<'a>>,
    /// The return type, with `Self` replaced by the impl's type.
    pub(crate) output: Option<Type>,
    pub(crate) docs: Vec<&'a Attribute>,
    /// `#[cfg]` and `#[allow]`, forwarded to the variant, the match arms and the proxy methods.
    pub(crate) forwarded: Vec<&'a Attribute>,
    /// `#[deprecated]`, forwarded to the proxy methods.
    pub(crate) deprecated: Vec<&'a Attribute>,
    /// `#[proxy(skip)]` / `#[proxy(rename = "...")]`.
    pub(crate) opts: ProxyOpts,
}

/// An argument other than `self`.
pub(crate) struct Arg<'a> {
    pub(crate) pat: &'a Pat,
    pub(crate) ident: Option<Ident>,
    /// The type, with `Self` replaced by the impl's type.
    pub(crate) ty: Type,
    /// True for a `&Context<Self>` argument, which the runtime supplies.
    pub(crate) is_context: bool,
    /// True for the first argument of a `#[proxy(actor)]` method (`core: &mut Core`): the
    /// actor, which the runtime supplies.
    pub(crate) is_actor: bool,
}

impl<'a> Struct<'a> {
    pub(crate) fn from_syn(cx: &Ctxt, original: &'a ItemStruct) -> Self {
        let (fields, pub_unnamed) = match &original.fields {
            syn::Fields::Named(named) => (named.named.iter().map(|f| Field::from_syn(cx, f)).collect(), Vec::new()),
            syn::Fields::Unnamed(unnamed) => (
                Vec::new(),
                unnamed
                    .unnamed
                    .iter()
                    .filter(|f| !matches!(f.vis, Visibility::Inherited) && !attr::proxy_opts(cx, &f.attrs).skip)
                    .collect(),
            ),
            syn::Fields::Unit => (Vec::new(), Vec::new()),
        };
        Struct {
            original,
            fields,
            pub_unnamed,
        }
    }
}

impl<'a> Field<'a> {
    fn from_syn(cx: &Ctxt, original: &'a SynField) -> Self {
        Field {
            ident: original.ident.clone().expect("named field"),
            ty: &original.ty,
            public: !matches!(original.vis, Visibility::Inherited),
            vis: &original.vis,
            traversable: original
                .attrs
                .iter()
                .filter(|a| a.path().is_ident("traversable"))
                .collect(),
            docs: docs(&original.attrs),
            forwarded: attr::forwarded(&original.attrs),
            deprecated: attr::deprecated(&original.attrs),
            opts: attr::proxy_opts(cx, &original.attrs),
        }
    }

    /// The name of the field's accessors: its own, or the one given by `#[proxy(rename)]`.
    pub(crate) fn accessor(&self) -> Ident {
        renamed(&self.ident, &self.opts)
    }

    /// Whether the proxy exposes the field: `pub` and not `#[proxy(skip)]`.
    pub(crate) fn is_proxied(&self) -> bool {
        self.public && !self.opts.skip
    }
}

impl<'a> Impl<'a> {
    pub(crate) fn from_syn(cx: &Ctxt, original: &'a ItemImpl) -> Self {
        let self_ident = match &*original.self_ty {
            Type::Path(p) if p.qself.is_none() => p.path.segments.last().map(|s| s.ident.clone()),
            _ => None,
        };
        let methods = original
            .items
            .iter()
            .filter_map(|item| match item {
                ImplItem::Fn(f) => Some(Method::from_syn(cx, f, &original.self_ty)),
                _ => None,
            })
            .collect();
        let macros = original
            .items
            .iter()
            .filter_map(|item| match item {
                ImplItem::Macro(m) => Some(m),
                _ => None,
            })
            .collect();
        Impl {
            original,
            self_ident,
            methods,
            macros,
        }
    }
}

impl<'a> Method<'a> {
    pub(crate) fn from_syn(cx: &Ctxt, original: &'a ImplItemFn, self_ty: &Type) -> Self {
        let sig = &original.sig;
        let mut receiver = Receiver::None;
        let mut receiver_span = sig.ident.span();
        let mut args = Vec::new();
        for input in &sig.inputs {
            match input {
                FnArg::Receiver(r) => {
                    receiver_span = syn::spanned::Spanned::span(r);
                    receiver = match (&r.reference, &r.mutability, &*r.ty) {
                        (Some(_), Some(_), _) => Receiver::Mut,
                        (Some(_), None, _) => Receiver::Ref,
                        (None, _, Type::Reference(rt)) if rt.mutability.is_some() => Receiver::Mut,
                        (None, _, Type::Reference(_)) => Receiver::Ref,
                        (None, _, _) => Receiver::Value,
                    };
                }
                FnArg::Typed(t) => {
                    let ident = match &*t.pat {
                        Pat::Ident(p) if p.by_ref.is_none() && p.subpat.is_none() => Some(p.ident.clone()),
                        _ => None,
                    };
                    args.push(Arg {
                        pat: &t.pat,
                        ident,
                        ty: replace_self(&t.ty, self_ty),
                        is_context: is_context(&t.ty),
                        is_actor: false,
                    });
                }
            }
        }
        let output = match &sig.output {
            ReturnType::Default => None,
            ReturnType::Type(_, ty) => Some(replace_self(ty, self_ty)),
        };
        let opts = attr::proxy_opts(cx, &original.attrs);
        if opts.actor.is_some()
            && receiver == Receiver::None
            && let Some(first) = args.first_mut()
            && matches!(first.ty, Type::Reference(_))
        {
            first.is_actor = true;
            first.is_context = false;
        }
        Method {
            original,
            ident: sig.ident.clone(),
            vis: &original.vis,
            receiver,
            receiver_span,
            args,
            output,
            docs: docs(&original.attrs),
            forwarded: attr::forwarded(&original.attrs),
            deprecated: attr::deprecated(&original.attrs),
            opts,
        }
    }

    /// A `#[proxy(actor)]` method: an associated function of a traversable type given its
    /// actor, reached through the traversable's nested proxy.
    pub(crate) fn is_actor_view(&self) -> bool {
        self.opts.actor.is_some()
    }

    /// The actor a `#[proxy(actor)]` method takes (its first argument's referent) and whether
    /// it takes it `&mut`; `None` if the first argument is not a reference.
    pub(crate) fn actor_arg(&self) -> Option<(&Type, bool)> {
        let arg = self.args.first().filter(|a| a.is_actor)?;
        match &arg.ty {
            Type::Reference(r) => Some((&r.elem, r.mutability.is_some())),
            _ => None,
        }
    }

    /// Methods that get a proxy form: visible outside the impl, taking `self`, and not
    /// `#[proxy(skip)]`.
    pub(crate) fn is_proxied(&self) -> bool {
        !matches!(self.vis, Visibility::Inherited)
            && (self.receiver != Receiver::None || self.is_actor_view())
            && !self.opts.skip
    }

    /// The name of the proxy method: the method's own, or the one given by
    /// `#[proxy(rename)]`.
    pub(crate) fn proxy_name(&self) -> Ident {
        renamed(&self.ident, &self.opts)
    }

    /// The arguments the caller passes (everything but the context).
    pub(crate) fn call_args(&self) -> impl Iterator<Item = &Arg<'a>> {
        self.args.iter().filter(|a| !a.is_context && !a.is_actor)
    }

    /// The parameter list of the generated proxy method: `name: Type` for each
    /// [`call_args`](Self::call_args) argument.
    pub(crate) fn call_params(&self) -> Vec<proc_macro2::TokenStream> {
        self.call_args()
            .map(|a| {
                let id = a.ident.as_ref().expect("checked");
                let ty = &a.ty;
                quote::quote!(#id: #ty)
            })
            .collect()
    }
}

/// `ident`, or the name `#[proxy(rename = "...")]` gave, at the name's span. An invalid name
/// is reported by the checks; here it becomes a placeholder that is never emitted.
fn renamed(ident: &Ident, opts: &ProxyOpts) -> Ident {
    match &opts.rename {
        Some((name, span)) => syn::parse_str::<Ident>(name).map_or_else(
            |_| Ident::new("__pykka_invalid_name", *span),
            |mut id| {
                id.set_span(*span);
                id
            },
        ),
        None => ident.clone(),
    }
}

/// Pykka's context argument, which the runtime fills in: a shared reference to `Context<T>`
/// with exactly one type argument, written `Context`, `pykka::Context` or
/// `pykka_core::Context` (with or without a leading `::`). Any other type named `Context`
/// (without a type argument, or under another path) is an ordinary argument.
fn is_context(ty: &Type) -> bool {
    let Type::Reference(r) = ty else {
        return false;
    };
    if r.mutability.is_some() {
        return false;
    }
    let Type::Path(p) = &*r.elem else {
        return false;
    };
    if p.qself.is_some() {
        return false;
    }
    let segments: Vec<String> = p.path.segments.iter().map(|s| s.ident.to_string()).collect();
    let prefix_ok = match segments.as_slice() {
        [_] => p.path.leading_colon.is_none(),
        [krate, _] => krate == "pykka" || krate == "pykka_core",
        _ => false,
    };
    let Some(last) = p.path.segments.last() else {
        return false;
    };
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return false;
    };
    prefix_ok
        && last.ident == "Context"
        && args.args.len() == 1
        && matches!(args.args.first(), Some(syn::GenericArgument::Type(_)))
}

/// `ty` with every `Self` replaced by `self_ty`: generated code lives in other impls (the
/// proxy's, the message enum's), where `Self` would mean another type. `Self::X` becomes
/// `<T>::X`. The replacement carries the span of the `Self` it replaces.
pub(crate) fn replace_self(ty: &Type, self_ty: &Type) -> Type {
    let tokens = replace_self_tokens(ty.to_token_stream(), self_ty);
    syn::parse2(tokens).unwrap_or_else(|_| ty.clone())
}

fn replace_self_tokens(tokens: TokenStream, self_ty: &Type) -> TokenStream {
    let mut out = TokenStream::new();
    let mut iter = tokens.into_iter().peekable();
    while let Some(tt) = iter.next() {
        match tt {
            TokenTree::Ident(id) if id == "Self" => {
                let span = id.span();
                let path_follows = matches!(iter.peek(), Some(TokenTree::Punct(p)) if p.as_char() == ':');
                if path_follows {
                    out.extend(quote_spanned!(span=> <#self_ty>));
                } else {
                    out.extend(quote_spanned!(span=> #self_ty));
                }
            }
            TokenTree::Group(g) => {
                let mut group = proc_macro2::Group::new(g.delimiter(), replace_self_tokens(g.stream(), self_ty));
                group.set_span(g.span());
                out.extend([TokenTree::Group(group)]);
            }
            other => out.extend([other]),
        }
    }
    out
}

fn docs(attrs: &[Attribute]) -> Vec<&Attribute> {
    attrs.iter().filter(|a| a.path().is_ident("doc")).collect()
}

/// A trait under `#[interface]`: its methods, each seen as a `pub` method of an impl block
/// (with its default body, or an empty one) so that the inherent methods' checks apply.
pub(crate) struct Trait<'a> {
    pub(crate) original: &'a syn::ItemTrait,
    /// The trait's methods as impl methods, owned here; [`Trait::methods`] borrows them.
    pub(crate) fns: Vec<ImplItemFn>,
}

impl<'a> Trait<'a> {
    pub(crate) fn from_syn(original: &'a syn::ItemTrait) -> Self {
        let fns = original
            .items
            .iter()
            .filter_map(|item| match item {
                syn::TraitItem::Fn(f) => Some(ImplItemFn {
                    attrs: f.attrs.clone(),
                    vis: Visibility::Public(syn::Token![pub](f.sig.ident.span())),
                    defaultness: None,
                    sig: f.sig.clone(),
                    block: f.default.clone().unwrap_or_else(|| syn::parse_quote!({})),
                }),
                _ => None,
            })
            .collect();
        Trait { original, fns }
    }

    /// The trait's methods, in the IR of impl methods (`Self` stays `Self`).
    pub(crate) fn methods<'b>(&'b self, cx: &Ctxt) -> Vec<Method<'b>> {
        let self_ty: Type = syn::parse_quote!(Self);
        self.fns.iter().map(|f| Method::from_syn(cx, f, &self_ty)).collect()
    }
}
