use pykka::interface;

#[interface]
pub trait Store<T> {
    fn put(&mut self, value: T);
}

#[interface]
pub trait Sized2 where Self: Send {
    fn size(&self) -> u32;
}

fn main() {}
