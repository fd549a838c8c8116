// The one place the process ends; everything else returns its exit status here.
#[allow(clippy::disallowed_methods)]
fn main() {
    std::process::exit(ccadmin::main_entry());
}
