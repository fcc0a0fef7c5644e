use pykka::interface;

#[interface]
pub trait Backend {
    fn new() -> u32;
    fn consume(self) -> u32;
    async fn later(&self) -> u32;
    unsafe fn risky(&self);
    fn same(&self, other: Self) -> bool;
    fn ctx(&self, ctx: &pykka::Context<u32>);
    fn defer(&self);
    fn clone(&self) -> u32;
    #[proxy(skip)]
    fn hidden(&self);
}

fn main() {}
