//! Orchestration: arguments, then the IR, then the checks, then code generation.
//!
//! On errors the user's item is still emitted unchanged (minus our field attributes), with
//! the errors, and the generated code for everything that passed the checks, so one mistake
//! gives one diagnostic rather than a cascade.

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};
use syn::{Item, Type};

use crate::args;
use crate::ast::{Impl, Kind, Struct};
use crate::check;
use crate::codegen::{self, Shape, message, proxy, traversable};
use crate::ctxt::Ctxt;
use crate::names;

/// Expands `#[actor]` or `#[traversable]` on `input`.
pub(crate) fn expand(kind: Kind, args: TokenStream, input: TokenStream) -> TokenStream {
    let item: Item = match syn::parse2(input) {
        Ok(item) => item,
        Err(e) => return e.to_compile_error(),
    };
    let cx = Ctxt::new();
    if let Err(e) = args::parse(kind, args) {
        cx.push(e);
    }
    let (original, generated) = match &item {
        Item::Struct(s) => {
            let mut ir = Struct::from_syn(s);
            let ok = check::check_struct(&cx, kind, &mut ir);
            let generated = if ok {
                expand_struct(kind, &ir)
            } else {
                TokenStream::new()
            };
            (strip_field_attrs(s), generated)
        }
        Item::Impl(i) => {
            let mut ir = Impl::from_syn(i);
            let ok = check::check_impl(&cx, kind, &mut ir);
            let generated = if ok { expand_impl(kind, &ir) } else { TokenStream::new() };
            (i.to_token_stream(), generated)
        }
        other => {
            cx.error_spanned_by(
                item_keyword(other),
                format!(
                    "`#[{}]` applies to a struct or to its inherent `impl` block",
                    kind.attr()
                ),
            );
            (other.to_token_stream(), TokenStream::new())
        }
    };
    let errors = cx.check().err().map(|e| e.to_compile_error());
    quote!(#original #generated #errors)
}

/// The keyword of an unsupported item (`enum`, `trait`, `fn`, ...), where its error points.
fn item_keyword(item: &Item) -> TokenStream {
    match item {
        Item::Enum(e) => e.enum_token.to_token_stream(),
        Item::Trait(t) => t.trait_token.to_token_stream(),
        Item::Fn(f) => f.sig.fn_token.to_token_stream(),
        Item::Union(u) => u.union_token.to_token_stream(),
        Item::Mod(m) => m.mod_token.to_token_stream(),
        other => other.to_token_stream(),
    }
}

/// The struct without our `#[traversable]` field markers, which are not real attributes.
fn strip_field_attrs(s: &syn::ItemStruct) -> TokenStream {
    let mut s = s.clone();
    for field in s.fields.iter_mut() {
        field.attrs.retain(|a| !a.path().is_ident("traversable"));
    }
    s.to_token_stream()
}

fn expand_struct(kind: Kind, ir: &Struct<'_>) -> TokenStream {
    let s = ir.original;
    let ident = &s.ident;
    let (_, ty_generics, _) = s.generics.split_for_impl();
    let self_ty: Type = syn::parse_quote!(#ident #ty_generics);
    let shape = shape(kind, self_ty, s.generics.clone(), ident, None);
    let plain: Vec<_> = ir
        .fields
        .iter()
        .filter(|f| f.public && f.traversable.is_empty())
        .collect();
    let nested: Vec<_> = ir
        .fields
        .iter()
        .filter(|f| f.public && !f.traversable.is_empty())
        .collect();
    let vis = &s.vis;
    let (impl_generics, _, where_clause) = s.generics.split_for_impl();
    let marker = quote! {
        #[automatically_derived]
        impl #impl_generics ::pykka::__private::ProxyStruct for #ident #ty_generics #where_clause {}
    };
    let kind_impl = match kind {
        Kind::Actor => traversable::proxied_impl(&shape, ident),
        Kind::Traversable => traversable::traversable_impl(ident),
    };
    let mut out = TokenStream::new();
    out.extend(proxy::proxy_structs(&shape, ident, vis));
    out.extend(message::field_enum(&shape, ident, vis, &plain));
    out.extend(proxy::field_methods(&shape, ident, &plain));
    out.extend(traversable::field_accessors(&shape, ident, &nested));
    out.extend(marker);
    out.extend(kind_impl);
    out
}

fn expand_impl(kind: Kind, ir: &Impl<'_>) -> TokenStream {
    let i = ir.original;
    let ident = ir.self_ident.as_ref().expect("checked");
    let self_ty = (*i.self_ty).clone();
    let args = match &self_ty {
        Type::Path(p) => p.path.segments.last().map(|s| s.arguments.clone()),
        _ => None,
    };
    let shape = shape(kind, self_ty, i.generics.clone(), ident, args);
    let methods: Vec<_> = ir.methods.iter().filter(|m| m.is_proxied()).collect();
    let mut out = TokenStream::new();
    out.extend(message::call_enum(&shape, ident, &methods));
    out.extend(proxy::method_proxies(&shape, ident, &methods));
    out
}

/// Works out the generated types' names and parameters.
fn shape(
    kind: Kind,
    self_ty: Type,
    generics: syn::Generics,
    ident: &syn::Ident,
    args: Option<syn::PathArguments>,
) -> Shape {
    let proxy = names::proxy(ident);
    let defer = names::defer(ident);
    match kind {
        Kind::Actor => {
            let type_args = match args {
                Some(a) => a.to_token_stream(),
                None => {
                    let (_, ty_generics, _) = generics.split_for_impl();
                    ty_generics.to_token_stream()
                }
            };
            Shape {
                kind,
                root_ty: self_ty.to_token_stream(),
                proxy_ty: quote!(#proxy #type_args),
                defer_ty: quote!(#defer #type_args),
                self_ty,
                generics,
            }
        }
        Kind::Traversable => {
            let root = codegen::root_param();
            Shape {
                kind,
                root_ty: root.to_token_stream(),
                proxy_ty: quote!(#proxy<#root>),
                defer_ty: quote!(#defer<#root>),
                self_ty,
                generics,
            }
        }
    }
}
