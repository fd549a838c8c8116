fn main() {
    std::process::exit(ccadmin::main_entry());
}
