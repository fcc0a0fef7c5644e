//! Nested proxies: accessors for `#[traversable]` fields, the `Traversable` impl, and the
//! `#[proxy(actor)]` methods that reach the whole actor.

use proc_macro2::TokenStream;
use quote::{ToTokens, quote, quote_spanned};
use syn::spanned::Spanned;

use crate::ast::{Field, Method};
use crate::codegen::message::output_ty;
use crate::codegen::{Shape, deferred, docs, local};
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

/// The `#[proxy(actor)]` methods of a traversable type (`fn next(core: &mut Core)` in
/// `impl Playback`), on its nested proxies inside that actor only (`PlaybackProxy<Core>` and
/// `PlaybackDefer<Core>`): each call runs on the actor itself, whatever the proxy's path, so
/// the method can use the actor's other fields and controllers within the one message.
pub(crate) fn actor_view_methods(
    shape: &Shape,
    ident: &syn::Ident,
    module: &TokenStream,
    methods: &[&Method<'_>],
) -> TokenStream {
    let proxy = names::proxy(ident);
    let defer = names::defer(ident);
    let self_ty = &shape.self_ty;
    let target = local("__pykka_target");
    let (reply, future) = (local("__pykka_reply"), local("__pykka_future"));
    let mut out = TokenStream::new();
    for m in methods {
        let Some((actor, mutable)) = m.actor_arg() else {
            continue;
        };
        let name = &m.proxy_name();
        let fn_name = &m.ident;
        let vis = m.vis;
        let label = names::unraw(name);
        let output = output_ty(m);
        let method_docs = docs(&m.docs);
        let forwarded = &m.forwarded;
        let deprecated = &m.deprecated;
        let cfgs = crate::attr::cfgs(&m.forwarded);
        let params = m.call_params();
        let call_args = m.args.iter().map(|a| {
            if a.is_actor {
                if mutable { quote!(#target) } else { quote!(&*#target) }
            } else if a.is_context {
                quote!(&::pykka::__private::current_context::<#actor>())
            } else {
                let id = a.ident.as_ref().expect("checked");
                quote!(#id)
            }
        });
        let invoke = quote_spanned!(fn_name.span()=> <#self_ty>::#fn_name(#(#call_args),*));
        let mut moved: Vec<TokenStream> = m.call_args().map(|a| a.ty.to_token_stream()).collect();
        moved.push(quote!(::pykka::Reply<#output>));
        let deferred = deferred();
        let sends = quote_spanned!(name.span()=> where #(#deferred #moved: ::core::marker::Send,)*);
        let ask_doc = format!(
            "Calls [`{ident}::{fn_name}`] on the actor this proxy's path starts at (it is given the \
             whole actor), and returns a future of its result."
        );
        let tell_doc = format!(
            "Calls [`{ident}::{fn_name}`] on the actor without a reply (tell semantics).\n\n\
             # Errors\n\n[`Error::ActorDead`](::pykka::Error::ActorDead) if the actor has stopped."
        );
        out.extend(quote_spanned! {name.span()=>
            #(#cfgs)*
            #[allow(dead_code, reason = "generated: a program may use only some proxy methods")]
            impl #module #proxy<#actor> {
                #[doc = #ask_doc]
                #[doc = ""]
                #method_docs
                #(#forwarded)*
                #(#deprecated)*
                #[allow(clippy::too_many_arguments, reason = "generated: mirrors the method")]
                #[allow(clippy::unit_arg, reason = "generated: the method may return `()`")]
                #[allow(deprecated, reason = "generated: the proxy calls a deprecated method")]
                #vis fn #name(&self, #(#params),*) -> ::pykka::Future<#output> #sends {
                    let (#reply, #future) = self.base.reply();
                    self.base.ask_root_fn(
                        || #label,
                        move |#target: &mut #actor| #reply.run(|| #invoke),
                        #future,
                    )
                }
            }

            #(#cfgs)*
            #[allow(dead_code, reason = "generated: a program may use only some proxy methods")]
            impl #module #defer<#actor> {
                #[doc = #tell_doc]
                #(#forwarded)*
                #(#deprecated)*
                #[allow(clippy::too_many_arguments, reason = "generated: mirrors the method")]
                #[allow(clippy::unit_arg, reason = "generated: the method may return `()`")]
                #[allow(deprecated, reason = "generated: the proxy calls a deprecated method")]
                #vis fn #name(&self, #(#params),*) -> ::pykka::Result<()> #sends {
                    self.base.send_root_fn(
                        || #label,
                        move |#target: &mut #actor| ::pykka::Reply::<#output>::tell().run(|| #invoke),
                    )
                }
            }
        });
        let asserts = m.call_args().map(|a| {
            let ty = &a.ty;
            quote_spanned!(ty.span()=> ::pykka::__private::assert_send_arg::<#ty>();)
        });
        let output_assert = m
            .output
            .as_ref()
            .map(|ty| quote_spanned!(ty.span()=> ::pykka::__private::assert_send_arg::<#ty>();));
        out.extend(quote! {
            #(#cfgs)*
            const _: () = {
                #[allow(dead_code, reason = "generated: compile-time checks only")]
                fn __pykka_assertions() {
                    #(#asserts)*
                    #output_assert
                }
            };
        });
    }
    out
}
