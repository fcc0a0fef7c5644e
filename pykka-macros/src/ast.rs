//! Our view of the user's item: the IR the checks judge and the generators read.
//!
//! Building it never fails on a rule; it only records what is there, keeping the original syn
//! nodes so that [`crate::check`] can point at the user's exact tokens.

use proc_macro2::{Ident, Span};
use syn::{
    Attribute, Field as SynField, FnArg, ImplItem, ImplItemFn, ItemImpl, ItemStruct, Pat, ReturnType, Type, Visibility,
};

/// Which macro is expanding.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `#[actor]`: the item is an actor.
    Actor,
    /// `#[traversable]`: the item is reached through an actor's field.
    Traversable,
}

impl Kind {
    pub(crate) fn attr(self) -> &'static str {
        match self {
            Kind::Actor => "actor",
            Kind::Traversable => "traversable",
        }
    }
}

/// A struct under `#[actor]` or `#[traversable]`.
pub(crate) struct Struct<'a> {
    pub(crate) original: &'a ItemStruct,
    pub(crate) fields: Vec<Field<'a>>,
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
}

/// An inherent impl block under `#[actor]` or `#[traversable]`.
pub(crate) struct Impl<'a> {
    pub(crate) original: &'a ItemImpl,
    /// The last segment of the self type's path (`Calculator` in `impl<T> a::Calculator<T>`).
    pub(crate) self_ident: Option<Ident>,
    pub(crate) methods: Vec<Method<'a>>,
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
    pub(crate) output: Option<&'a Type>,
    pub(crate) docs: Vec<&'a Attribute>,
}

/// An argument other than `self`.
pub(crate) struct Arg<'a> {
    pub(crate) pat: &'a Pat,
    pub(crate) ident: Option<Ident>,
    pub(crate) ty: &'a Type,
    /// True for a `&Context<Self>` argument, which the runtime supplies.
    pub(crate) is_context: bool,
}

impl<'a> Struct<'a> {
    pub(crate) fn from_syn(original: &'a ItemStruct) -> Self {
        let fields = match &original.fields {
            syn::Fields::Named(named) => named.named.iter().map(Field::from_syn).collect(),
            _ => Vec::new(),
        };
        Struct { original, fields }
    }
}

impl<'a> Field<'a> {
    fn from_syn(original: &'a SynField) -> Self {
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
        }
    }
}

impl<'a> Impl<'a> {
    pub(crate) fn from_syn(original: &'a ItemImpl) -> Self {
        let self_ident = match &*original.self_ty {
            Type::Path(p) if p.qself.is_none() => p.path.segments.last().map(|s| s.ident.clone()),
            _ => None,
        };
        let methods = original
            .items
            .iter()
            .filter_map(|item| match item {
                ImplItem::Fn(f) => Some(Method::from_syn(f)),
                _ => None,
            })
            .collect();
        Impl {
            original,
            self_ident,
            methods,
        }
    }
}

impl<'a> Method<'a> {
    fn from_syn(original: &'a ImplItemFn) -> Self {
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
                        ty: &t.ty,
                        is_context: is_context(&t.ty),
                    });
                }
            }
        }
        let output = match &sig.output {
            ReturnType::Default => None,
            ReturnType::Type(_, ty) => Some(&**ty),
        };
        Method {
            original,
            ident: sig.ident.clone(),
            vis: &original.vis,
            receiver,
            receiver_span,
            args,
            output,
            docs: docs(&original.attrs),
        }
    }

    /// Methods that get a proxy form: visible outside the impl and taking `self`.
    pub(crate) fn is_proxied(&self) -> bool {
        !matches!(self.vis, Visibility::Inherited) && self.receiver != Receiver::None
    }

    /// The arguments the caller passes (everything but the context).
    pub(crate) fn call_args(&self) -> impl Iterator<Item = &Arg<'a>> {
        self.args.iter().filter(|a| !a.is_context)
    }
}

/// `&Context<..>` (or `&pykka::Context<..>`): an argument the runtime fills in.
fn is_context(ty: &Type) -> bool {
    let Type::Reference(r) = ty else {
        return false;
    };
    if r.mutability.is_some() {
        return false;
    }
    match &*r.elem {
        Type::Path(p) => p.path.segments.last().is_some_and(|s| s.ident == "Context"),
        _ => false,
    }
}

fn docs(attrs: &[Attribute]) -> Vec<&Attribute> {
    attrs.iter().filter(|a| a.path().is_ident("doc")).collect()
}
