use pykka::interface;

#[interface]
pub trait Named {
    fn name(&self) -> String;
}

#[interface]
pub trait Backend: Named {
    fn search(&mut self, query: String) -> Vec<String>;
}

fn main() {}
