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
use crate::attr;
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
            let mut ir = Struct::from_syn(&cx, s);
            let ok = check::check_struct(&cx, kind, &mut ir);
            let generated = if ok {
                expand_struct(kind, &ir)
            } else {
                TokenStream::new()
            };
            (strip_field_attrs(s), generated)
        }
        Item::Impl(i) => {
            let mut ir = Impl::from_syn(&cx, i);
            let ok = check::check_impl(&cx, kind, &mut ir);
            let generated = if ok { expand_impl(kind, &ir) } else { TokenStream::new() };
            (strip_method_attrs(i), generated)
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

/// The struct without our `#[traversable]` and `#[proxy(...)]` field markers, which are not
/// real attributes.
fn strip_field_attrs(s: &syn::ItemStruct) -> TokenStream {
    let mut s = s.clone();
    for field in s.fields.iter_mut() {
        field
            .attrs
            .retain(|a| !a.path().is_ident("traversable") && !attr::is_proxy(a));
    }
    s.to_token_stream()
}

/// The impl block without our `#[proxy(...)]` method markers.
fn strip_method_attrs(i: &syn::ItemImpl) -> TokenStream {
    let mut i = i.clone();
    for item in &mut i.items {
        if let syn::ImplItem::Fn(f) = item {
            f.attrs.retain(|a| !attr::is_proxy(a));
        }
    }
    i.to_token_stream()
}

fn expand_struct(kind: Kind, ir: &Struct<'_>) -> TokenStream {
    let s = ir.original;
    let ident = &s.ident;
    let (_, ty_generics, _) = s.generics.split_for_impl();
    let self_ty: Type = syn::parse_quote!(#ident #ty_generics);
    let shape = shape(kind, self_ty, s.generics.clone(), ident, None, TokenStream::new());
    let plain: Vec<_> = ir
        .fields
        .iter()
        .filter(|f| f.is_proxied() && f.traversable.is_empty())
        .collect();
    let nested: Vec<_> = ir
        .fields
        .iter()
        .filter(|f| f.is_proxied() && !f.traversable.is_empty())
        .collect();
    let vis = &s.vis;
    let (impl_generics, _, where_clause) = s.generics.split_for_impl();
    let marker = quote! {
        #[automatically_derived]
        impl #impl_generics ::pykka::__private::ProxyStruct for #ident #ty_generics #where_clause {}
    };
    // A missing `impl Actor` is reported here, once, at the struct's name.
    let actor_check = match kind {
        Kind::Actor => {
            let (impl_generics, _, where_clause) = s.generics.split_for_impl();
            let self_ty = &shape.self_ty;
            let assert = quote::quote_spanned!(ident.span()=> ::pykka::__private::assert_actor::<#self_ty>(););
            quote! {
                const _: () = {
                    #[allow(dead_code, reason = "generated: compile-time checks only")]
                    fn __pykka_actor_check #impl_generics () #where_clause {
                        #assert
                    }
                };
            }
        }
        Kind::Traversable => TokenStream::new(),
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
    let proxied: Vec<_> = ir.fields.iter().filter(|f| f.is_proxied()).collect();
    out.extend(proxy::accessor_names(&shape, ident, &proxied));
    out.extend(marker);
    out.extend(actor_check);
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
    let module = module_of(&self_ty);
    let shape = shape(kind, self_ty, i.generics.clone(), ident, args, module);
    let methods: Vec<_> = ir.methods.iter().filter(|m| m.is_proxied()).collect();
    let mut out = TokenStream::new();
    out.extend(message::call_enum(&shape, ident, &methods));
    out.extend(proxy::method_proxies(&shape, ident, &methods));
    out.extend(proxy::accessor_collisions(&shape, &methods));
    out
}

/// The path of the module the impl's type lives in, as written in the impl (`audio::` in
/// `impl audio::Mixer`, nothing in `impl Mixer`): the struct's generated proxies live there.
fn module_of(self_ty: &Type) -> TokenStream {
    let Type::Path(p) = self_ty else {
        return TokenStream::new();
    };
    let mut out = TokenStream::new();
    p.path.leading_colon.to_tokens(&mut out);
    let count = p.path.segments.len();
    for segment in p.path.segments.iter().take(count.saturating_sub(1)) {
        segment.to_tokens(&mut out);
        out.extend(quote!(::));
    }
    out
}

/// Works out the generated types' names and parameters.
fn shape(
    kind: Kind,
    self_ty: Type,
    generics: syn::Generics,
    ident: &syn::Ident,
    args: Option<syn::PathArguments>,
    module: TokenStream,
) -> Shape {
    let proxy = names::proxy(ident);
    let defer = names::defer(ident);
    let after = names::after(ident);
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
                proxy_ty: quote!(#module #proxy #type_args),
                defer_ty: quote!(#module #defer #type_args),
                after_ty: quote!(#module #after #type_args),
                self_ty,
                generics,
            }
        }
        Kind::Traversable => {
            let root = codegen::root_param();
            Shape {
                kind,
                root_ty: root.to_token_stream(),
                proxy_ty: quote!(#module #proxy<#root>),
                defer_ty: quote!(#module #defer<#root>),
                after_ty: quote!(#module #after<#root>),
                self_ty,
                generics,
            }
        }
    }
}
