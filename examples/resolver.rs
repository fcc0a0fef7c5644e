//! A pool of resolver actors sharing work: names are handed out round-robin through proxies,
//! the futures are gathered with `pykka::get_all`, then every actor is stopped.
//!
//! Port of Pykka's manual, section 2.2.4 "Pool of actors sharing work" (`examples/resolver.py`).
//!
//! Either run without arguments, which resolves names and addresses that need no network
//! with a pool of 3:
//!
//! ```text
//! cargo run -p examples --example resolver
//! ```
//!
//! Or give the pool size and the names or addresses to resolve:
//!
//! ```text
//! cargo run -p examples --example resolver -- --pool 3 localhost example.com 192.0.2.1
//! ```
//!
//! Python looks addresses up in reverse (`socket.gethostbyaddr`), which needs a network; this
//! port resolves forward with the OS resolver (`std::net::ToSocketAddrs`): a name gives its
//! lowest address, an address gives itself, a failure gives `None`. Each resolver reports
//! `Finished resolving …` or `Failed resolving …` as it goes, as in Python, but on stderr:
//! those lines race between the pool's threads. stdout only has the gathered results, in
//! input order, laid out the way `pprint` prints the Python list.

use std::net::{IpAddr, ToSocketAddrs};
use std::process::ExitCode;
use std::thread;

use pykka::{Actor, ActorRegistry, Future, actor};

/// The pool size when none is given.
const DEFAULT_POOL_SIZE: usize = 3;

/// What is resolved when nothing is given: inputs that resolve without a network.
const DEFAULT_NAMES: [&str; 10] = [
    "localhost",
    "127.0.0.1",
    "::1",
    "127.0.0.2",
    "127.0.0.3",
    "127.0.0.4",
    "127.0.0.5",
    "127.0.0.6",
    "127.0.0.7",
    "127.0.0.8",
];

/// Resolves names, one at a time.
#[actor]
#[derive(Debug)]
pub struct Resolver;

impl Actor for Resolver {
    type Message = ();
    type Reply = ();
}

#[actor]
impl Resolver {
    /// Returns the lowest address `name` resolves to, or `None` if it does not resolve.
    pub fn resolve(&self, name: String) -> Option<IpAddr> {
        let thread = thread::current();
        let thread = thread.name().unwrap_or("<unnamed>");
        let address = match (name.as_str(), 0).to_socket_addrs() {
            Ok(addresses) => addresses.map(|a| a.ip()).min(),
            Err(_) => None,
        };
        match address {
            Some(_) => eprintln!("{thread}: Finished resolving {name}"),
            None => eprintln!("{thread}: Failed resolving {name}"),
        }
        address
    }
}

/// Resolves `names` with a pool of `pool_size` resolvers and prints the results.
///
/// # Errors
///
/// A resolver's error, if one stopped or panicked before answering.
fn run(pool_size: usize, names: &[String]) -> pykka::Result<()> {
    // Start resolvers.
    let resolvers = (0..pool_size)
        .map(|_| Resolver.start().proxy())
        .collect::<pykka::Result<Vec<_>>>();

    // Distribute work by mapping names to resolvers (not blocking), then gather the results
    // (blocking).
    let results = resolvers.and_then(|resolvers| {
        let addresses: Vec<Future<Option<IpAddr>>> = names
            .iter()
            .enumerate()
            .map(|(i, name)| resolvers[i % resolvers.len()].resolve(name.clone()))
            .collect();
        pykka::get_all(&addresses, None)
    });

    // Clean up, whatever happened.
    ActorRegistry::global().stop_all();

    let name_to_address: Vec<(&String, Option<IpAddr>)> = names.iter().zip(results?).collect();
    pprint(&name_to_address);
    Ok(())
}

/// Prints `items` as a list, one item a line, the way Python's `pprint` prints a long list.
fn pprint(items: &[(&String, Option<IpAddr>)]) {
    let lines: Vec<String> = items.iter().map(|item| format!("{item:?}")).collect();
    println!("[{}]", lines.join(",\n "));
}

/// Reads `[--pool N] [NAME...]`: the pool size and the names, or their defaults.
fn parse_args(mut args: impl Iterator<Item = String>) -> Result<(usize, Vec<String>), String> {
    let mut pool_size = DEFAULT_POOL_SIZE;
    let mut names = Vec::new();
    while let Some(arg) = args.next() {
        if arg == "--pool" {
            let n = args.next().ok_or("--pool needs a number")?;
            pool_size = n.parse().map_err(|_| format!("not a pool size: {n}"))?;
            if pool_size == 0 {
                return Err("the pool needs at least one resolver".to_string());
            }
        } else {
            names.push(arg);
        }
    }
    if names.is_empty() {
        names = DEFAULT_NAMES.iter().map(ToString::to_string).collect();
    }
    Ok((pool_size, names))
}

fn main() -> ExitCode {
    let (pool_size, names) = match parse_args(std::env::args().skip(1)) {
        Ok(parsed) => parsed,
        Err(e) => {
            eprintln!("error: {e}\nusage: resolver [--pool N] [NAME...]");
            return ExitCode::from(2);
        }
    };
    match run(pool_size, &names) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
