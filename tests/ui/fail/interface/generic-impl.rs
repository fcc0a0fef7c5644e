use pykka::{actor, interface, Actor};

#[interface]
pub trait Backend {
    fn search(&mut self, query: String) -> Vec<String>;
}

#[actor]
pub struct Local<T: Send + 'static>(std::marker::PhantomData<T>);

impl<T: Send + 'static> Actor for Local<T> {
    type Message = ();
    type Reply = ();
}

#[actor]
impl<T: Send + 'static> Local<T> {}

#[actor]
impl<T: Send + 'static> Backend for Local<T> {
    fn search(&mut self, query: String) -> Vec<String> {
        vec![query]
    }
}

fn main() {}
