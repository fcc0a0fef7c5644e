//! Interfaces: `#[interface]` on a trait (its proxy types, the hidden call table and the
//! `Interface` impl) and `#[actor]` on an actor's impl of it (`Implements`).
//!
//! For `trait Backend`, the interface proxy `BackendProxy` holds the actor as an `AnyActorRef`
//! and, behind an `Arc<dyn __PykkaBackendCalls>`, the actor's own `ProxyBase<A, A>`: the
//! hidden trait has an ask and a tell entry per method, implemented for the `ProxyBase` of any
//! actor implementing the trait, each queuing the method as a job on the actor's thread exactly
//! as the actor's own proxy does.

use proc_macro2::{Ident, TokenStream};
use quote::{ToTokens, format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use crate::ast::{Impl, Method, Receiver, Trait};
use crate::codegen::message::output_ty;
use crate::codegen::{deferred, docs, local};
use crate::names;

/// The hidden call-table trait of an interface: `Backend` becomes `__PykkaBackendCalls`.
fn calls_trait(ident: &Ident) -> Ident {
    format_ident!("__Pykka{}Calls", names::unraw(ident), span = ident.span())
}

/// Everything `#[interface]` generates next to the trait.
pub(crate) fn interface(t: &Trait<'_>, methods: &[Method<'_>]) -> TokenStream {
    let original = t.original;
    let ident = &original.ident;
    let vis = &original.vis;
    let proxy = names::proxy(ident);
    let defer = names::defer(ident);
    let calls = calls_trait(ident);
    let label_trait = names::unraw(ident);
    let target = local("__pykka_target");
    let (reply, future) = (local("__pykka_reply"), local("__pykka_future"));

    let mut entries = Vec::new();
    let mut impls = Vec::new();
    let mut ask = Vec::new();
    let mut tell = Vec::new();
    let mut asserts = Vec::new();
    for m in methods {
        let name = &m.ident;
        let label = names::unraw(name);
        let ask_entry = format_ident!("__pykka_ask_{}", label, span = name.span());
        let tell_entry = format_ident!("__pykka_tell_{}", label, span = name.span());
        let output = output_ty(m);
        let forwarded = &m.forwarded;
        let cfgs = crate::attr::cfgs(&m.forwarded);
        let deprecated = &m.deprecated;
        let method_docs = docs(&m.docs);
        let args: Vec<_> = m.call_args().collect();
        let arg_names: Vec<_> = args.iter().map(|a| a.ident.clone().expect("checked")).collect();
        let params = m.call_params();
        let mut moved: Vec<TokenStream> = args.iter().map(|a| a.ty.to_token_stream()).collect();
        moved.push(quote!(::pykka::Reply<#output>));
        let ask_sends = sends(name.span(), &moved);
        let tell_sends = ask_sends.clone();
        let target_arg = match m.receiver {
            Receiver::Mut => quote!(#target),
            _ => quote!(&*#target),
        };
        let invoke = quote_spanned!(name.span()=> <PykkaActor as #ident>::#name(#target_arg, #(#arg_names),*));
        entries.push(quote! {
            #(#cfgs)*
            fn #ask_entry(&self, #(#params),*) -> ::pykka::Future<#output> #ask_sends;
            #(#cfgs)*
            fn #tell_entry(&self, #(#params),*) -> ::pykka::Result<()> #tell_sends;
        });
        impls.push(quote! {
            #(#cfgs)*
            #[allow(deprecated, reason = "generated: a deprecated method is still callable through the proxy")]
            #[allow(clippy::unit_arg, reason = "generated: the method may return `()`")]
            fn #ask_entry(&self, #(#params),*) -> ::pykka::Future<#output> #ask_sends {
                let (#reply, #future) = self.reply();
                self.ask_fn(
                    || #label,
                    move |#target: &mut PykkaActor| #reply.run(|| #invoke),
                    #future,
                )
            }

            #(#cfgs)*
            #[allow(deprecated, reason = "generated: a deprecated method is still callable through the proxy")]
            #[allow(clippy::unit_arg, reason = "generated: the method may return `()`")]
            fn #tell_entry(&self, #(#params),*) -> ::pykka::Result<()> #tell_sends {
                self.send_fn(|| #label, move |#target: &mut PykkaActor| {
                    ::pykka::Reply::<#output>::tell().run(|| #invoke)
                })
            }
        });
        let ask_doc = format!("Calls [`{label_trait}::{label}`] on the actor (ask semantics).");
        let tell_doc = format!(
            "Calls [`{label_trait}::{label}`] on the actor without waiting for its result (tell \
             semantics): a panic in the call is a failure of the actor.\n\n# Errors\n\n\
             [`Error::ActorDead`](::pykka::Error::ActorDead) if the actor has stopped."
        );
        ask.push(quote_spanned! {name.span()=>
            #[doc = #ask_doc]
            #[doc = ""]
            #method_docs
            #(#forwarded)*
            #(#deprecated)*
            #[allow(clippy::too_many_arguments, reason = "generated: mirrors the method")]
            pub fn #name(&self, #(#params),*) -> ::pykka::Future<#output> #ask_sends {
                #calls::#ask_entry(self.base.calls(), #(#arg_names),*)
            }
        });
        tell.push(quote_spanned! {name.span()=>
            #[doc = #tell_doc]
            #(#forwarded)*
            #(#deprecated)*
            #[allow(clippy::too_many_arguments, reason = "generated: mirrors the method")]
            pub fn #name(&self, #(#params),*) -> ::pykka::Result<()> #tell_sends {
                #calls::#tell_entry(self.base.calls(), #(#arg_names),*)
            }
        });
        for a in &args {
            let ty = &a.ty;
            asserts.push(quote_spanned!(ty.span()=> #(#cfgs)* ::pykka::__private::assert_send_arg::<#ty>();));
        }
        if let Some(ty) = &m.output {
            asserts.push(quote_spanned!(ty.span()=> #(#cfgs)* ::pykka::__private::assert_send_arg::<#ty>();));
        }
    }

    let proxy_doc = format!(
        "Typed proxy to any actor implementing the interface [`{label_trait}`], generated by \
         `#[pykka::interface]`.\n\nGet one with [`ActorRef::interface`](::pykka::ActorRef::interface), \
         `From<ActorRef<A>>`, [`AnyActorRef::interface`](::pykka::AnyActorRef::interface) or \
         [`ActorRegistry::get_by_interface`](::pykka::ActorRegistry::get_by_interface). Each \
         method sends the call to the actor's thread and returns a [`Future`](::pykka::Future) \
         of its result (ask semantics); [`defer`]({proxy}::defer) gives the same methods \
         without a reply (tell semantics). Cheap to clone; two proxies to the same actor are \
         equal."
    );
    let defer_doc = format!("The fire-and-forget form of [`{proxy}`] (Pykka's `defer`).");
    let calls_doc = format!("The call table behind [`{proxy}`]: generated, not public API.");
    let mut structs = TokenStream::new();
    for (name, doc) in [(&proxy, &proxy_doc), (&defer, &defer_doc)] {
        let shown = name.to_string();
        structs.extend(quote! {
            #[doc = #doc]
            #vis struct #name {
                base: ::pykka::__private::InterfaceBase<dyn #calls>,
            }

            #[automatically_derived]
            impl ::core::clone::Clone for #name {
                fn clone(&self) -> Self {
                    #name { base: ::core::clone::Clone::clone(&self.base) }
                }
            }

            #[automatically_derived]
            impl ::core::cmp::PartialEq for #name {
                fn eq(&self, other: &Self) -> bool {
                    self.base == other.base
                }
            }

            #[automatically_derived]
            impl ::core::cmp::Eq for #name {}

            #[automatically_derived]
            impl ::core::hash::Hash for #name {
                fn hash<H: ::core::hash::Hasher>(&self, state: &mut H) {
                    ::core::hash::Hash::hash(&self.base, state);
                }
            }

            #[automatically_derived]
            impl ::core::fmt::Debug for #name {
                fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                    self.base.fmt_as(#shown, f)
                }
            }

            #[automatically_derived]
            impl ::core::fmt::Display for #name {
                fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                    self.base.fmt_as(#shown, f)
                }
            }
        });
    }
    let name_text = names::unraw(ident);
    quote! {
        #structs

        #[doc = #calls_doc]
        #[doc(hidden)]
        #[allow(non_camel_case_types, reason = "generated: a hidden name")]
        #vis trait #calls: ::core::marker::Send + ::core::marker::Sync + 'static {
            /// The same table for a proxy with another default timeout.
            fn __pykka_with_timeout(
                &self,
                timeout: ::core::option::Option<::core::time::Duration>,
            ) -> ::std::sync::Arc<dyn #calls>;
            #(#entries)*
        }

        #[automatically_derived]
        impl<PykkaActor> #calls for ::pykka::__private::ProxyBase<PykkaActor, PykkaActor>
        where
            PykkaActor: #ident + ::pykka::Actor,
        {
            fn __pykka_with_timeout(
                &self,
                timeout: ::core::option::Option<::core::time::Duration>,
            ) -> ::std::sync::Arc<dyn #calls> {
                ::std::sync::Arc::new(self.with_timeout(timeout))
            }
            #(#impls)*
        }

        #[automatically_derived]
        impl ::pykka::Interface for dyn #ident {
            type Proxy = #proxy;
            const NAME: &'static str = ::core::concat!(::core::module_path!(), "::", #name_text);
        }

        #[automatically_derived]
        impl<PykkaActor> ::pykka::__private::Construct<PykkaActor> for dyn #ident
        where
            PykkaActor: #ident + ::pykka::Actor,
        {
            fn construct(base: ::pykka::__private::ProxyBase<PykkaActor, PykkaActor>) -> #proxy {
                let actor = ::pykka::AnyActorRef::from(::core::clone::Clone::clone(base.actor_ref()));
                #proxy {
                    base: ::pykka::__private::InterfaceBase::new(::std::sync::Arc::new(base), actor),
                }
            }
        }

        #[automatically_derived]
        impl<PykkaActor> ::core::convert::From<::pykka::ActorRef<PykkaActor>> for #proxy
        where
            PykkaActor: ::pykka::Implements<dyn #ident>,
        {
            fn from(actor_ref: ::pykka::ActorRef<PykkaActor>) -> Self {
                <PykkaActor as ::pykka::Implements<dyn #ident>>::interface_proxy(
                    ::pykka::__private::ProxyBase::root(actor_ref),
                )
            }
        }

        #[allow(dead_code, reason = "generated: a program may use only some proxy methods")]
        impl #proxy {
            /// Returns the reference of the actor this proxy calls. It stays usable after the
            /// actor stops.
            pub fn actor_ref(&self) -> &::pykka::AnyActorRef {
                self.base.actor_ref()
            }

            /// Returns the fire-and-forget form of this proxy (Pykka's `defer`).
            pub fn defer(&self) -> #defer {
                #defer { base: ::core::clone::Clone::clone(&self.base) }
            }

            /// Returns this proxy with a default timeout (a `Duration`, or `None` for none),
            /// as the actors' own proxies' `with_timeout`: each call then waits at most that
            /// long for room in a bounded inbox, and its future's `get` gives up at the same
            /// deadline (`Error::Timeout`) unless given a shorter one. `defer()` taken from it
            /// inherits the timeout.
            pub fn with_timeout(
                &self,
                timeout: impl ::core::convert::Into<::core::option::Option<::core::time::Duration>>,
            ) -> Self {
                let calls = #calls::__pykka_with_timeout(self.base.calls(), timeout.into());
                #proxy { base: self.base.with_calls(calls) }
            }

            #(#ask)*
        }

        #[allow(dead_code, reason = "generated: a program may use only some proxy methods")]
        impl #defer {
            /// Returns the reference of the actor this proxy calls.
            pub fn actor_ref(&self) -> &::pykka::AnyActorRef {
                self.base.actor_ref()
            }

            #(#tell)*
        }

        const _: () = {
            #[allow(dead_code, reason = "generated: compile-time checks only")]
            fn __pykka_assertions() {
                #(#asserts)*
            }
        };
    }
}

/// `#[actor] impl Backend for Local`: `Local` implements the interface `dyn Backend` (through
/// the marker `ActorImpl`, which `Implements` is implemented for), and is
/// checked at compile time to list it in `Actor::INTERFACES` (so that lookups by interface
/// find it).
pub(crate) fn implementation(ir: &Impl<'_>) -> TokenStream {
    let i = ir.original;
    let self_ty = &i.self_ty;
    let Some((_, path, _)) = &i.trait_ else {
        return TokenStream::new();
    };
    let iface = quote_spanned!(path.span()=> dyn #path);
    let self_text = ir.self_ident.as_ref().map(names::unraw).unwrap_or_default();
    let trait_text = path.segments.last().map(|s| names::unraw(&s.ident)).unwrap_or_default();
    let message = format!(
        "`{self_text}` implements the interface `{trait_text}` but does not list it in its `Actor::INTERFACES`, so registry lookups by interface would not find it; add `const INTERFACES: &'static [pykka::Implementation] = pykka::interfaces![{trait_text}];` (with its other interfaces) to `impl Actor for {self_text}`"
    );
    let implements = quote_spanned! {path.span()=>
        #[automatically_derived]
        impl ::pykka::__private::ActorImpl<#iface> for #self_ty {}
    };
    let check = quote_spanned! {path.span()=>
        const _: () = {
            if !::pykka::__private::lists::<#self_ty, #iface>() {
                ::core::panic!(#message);
            }
        };
    };
    quote!(#implements #check)
}

/// The `where` clause of a method whose call moves values of `types` to the actor's thread
/// (see `proxy::sends`).
fn sends(span: proc_macro2::Span, types: &[TokenStream]) -> TokenStream {
    let deferred = deferred();
    quote_spanned!(span=> where #(#deferred #types: ::core::marker::Send,)*)
}
