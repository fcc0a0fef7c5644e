//! Nested proxies: accessors for `#[traversable]` fields and the `Traversable` impl.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use crate::ast::Field;
use crate::codegen::{Shape, docs};
use crate::names;

/// `proxy.field()` returning the field's nested proxy, for every `#[traversable]` field.
pub(crate) fn field_accessors(shape: &Shape, ident: &syn::Ident, fields: &[&Field<'_>]) -> TokenStream {
    if fields.is_empty() {
        return TokenStream::new();
    }
    let proxy = names::proxy(ident);
    let self_ty = &shape.self_ty;
    let root = &shape.root_ty;
    let generics = shape.proxy_generics();
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    let accessors = fields.iter().map(|f| {
        let field = &f.ident;
        let name = &f.accessor();
        let field_vis = f.vis;
        let ty = f.ty;
        let label = names::unraw(field);
        let field_docs = docs(&f.docs);
        let forwarded = &f.forwarded;
        let deprecated = &f.deprecated;
        let doc = format!(
            "Returns a proxy to the traversable field `{label}`: its methods and fields run on the actor's thread."
        );
        let traversable = quote_spanned!(ty.span()=> <#ty as ::pykka::Traversable>);
        // The return type and the call at the field's type, so that a type without
        // `#[traversable]` is reported there, once.
        let output = quote_spanned!(ty.span()=> #traversable::Proxy<#root>);
        let body = quote_spanned! {ty.span()=>
            #traversable::proxy_from(self.base.nested(#label, |t: &mut #self_ty| &mut t.#field))
        };
        quote! {
            #[doc = #doc]
            #[doc = ""]
            #field_docs
            #(#forwarded)*
            #(#deprecated)*
            #[allow(deprecated, reason = "generated: the proxy reaches a deprecated field")]
            #field_vis fn #name(&self) -> #output {
                #body
            }
        }
    });
    quote! {
        #[allow(dead_code, reason = "generated: a program may use only some proxy methods")]
        impl #impl_generics #proxy #ty_generics #where_clause {
            #(#accessors)*
        }
    }
}

/// `impl Traversable for T`, which names the nested proxy type.
pub(crate) fn traversable_impl(ident: &syn::Ident) -> TokenStream {
    let proxy = names::proxy(ident);
    quote! {
        #[automatically_derived]
        impl ::pykka::Traversable for #ident {
            type Proxy<A: ::pykka::Actor> = #proxy<A>;

            fn proxy_from<A: ::pykka::Actor>(base: ::pykka::__private::ProxyBase<A, Self>) -> #proxy<A> {
                #proxy { base }
            }
        }
    }
}

/// `impl Proxied for T`, which lets `actor_ref.proxy()` build the actor's proxy.
pub(crate) fn proxied_impl(shape: &Shape, ident: &syn::Ident) -> TokenStream {
    let proxy = names::proxy(ident);
    let self_ty = &shape.self_ty;
    let generics = shape.proxy_generics();
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    quote! {
        #[automatically_derived]
        impl #impl_generics ::pykka::Proxied for #self_ty #where_clause {
            type Proxy = #proxy #ty_generics;

            fn proxy_from(base: ::pykka::__private::ProxyBase<Self, Self>) -> Self::Proxy {
                #proxy { base }
            }
        }
    }
}
