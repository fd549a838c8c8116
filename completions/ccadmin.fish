# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_ccadmin_global_optspecs
    string join \n state-dir= output= y/yes keep-going echo no-page q/quiet v/verbose secret-store= f/file= c= h/help V/version
end

function __fish_ccadmin_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_ccadmin_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_ccadmin_using_subcommand
    set -l cmd (__fish_ccadmin_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c ccadmin -n "__fish_ccadmin_needs_command" -l state-dir -d 'Directory holding this node\'s state [default: $XDG_DATA_HOME/ccadmin]' -r -F
complete -c ccadmin -n "__fish_ccadmin_needs_command" -l output -d 'Output format of results' -r -f -a "text\t'Aligned text for people'
json\t'One JSON document per command, for programs'"
complete -c ccadmin -n "__fish_ccadmin_needs_command" -l secret-store -d 'Where secrets are kept [default: a persistent OS keyring if one exists, else a file]' -r -f -a "keyring\t'The operating system\'s persistent keyring'
file\t'An owner-only (0600) file in the state directory'"
complete -c ccadmin -n "__fish_ccadmin_needs_command" -s f -l file -d 'Run the commands in FILE as a batch, one per line' -r -F
complete -c ccadmin -n "__fish_ccadmin_needs_command" -s c -d 'Run one command line, split as the admin: prompt splits it, and exit (what sshd runs when ccadmin is an account\'s login shell)' -r
complete -c ccadmin -n "__fish_ccadmin_needs_command" -s y -l yes -d 'Answer yes to every confirmation'
complete -c ccadmin -n "__fish_ccadmin_needs_command" -l keep-going -d 'Batch: do not stop at the first failing command'
complete -c ccadmin -n "__fish_ccadmin_needs_command" -l echo -d 'Batch: print each command as `admin:<command>` before its output'
complete -c ccadmin -n "__fish_ccadmin_needs_command" -l no-page -d 'Never page long output'
complete -c ccadmin -n "__fish_ccadmin_needs_command" -s q -l quiet -d 'Print only results and errors, no status lines'
complete -c ccadmin -n "__fish_ccadmin_needs_command" -s v -l verbose -d 'Print more detail on stderr'
complete -c ccadmin -n "__fish_ccadmin_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ccadmin -n "__fish_ccadmin_needs_command" -s V -l version -d 'Print version'
complete -c ccadmin -n "__fish_ccadmin_needs_command" -f -a "file" -d 'The node\'s log files: list, view, tail, search, send to SFTP (Cisco\'s activelog)'
complete -c ccadmin -n "__fish_ccadmin_needs_command" -f -a "help" -d 'Show the commands, or one command\'s description, options and example'
complete -c ccadmin -n "__fish_ccadmin_needs_command" -f -a "run" -d 'Run a read-only query'
complete -c ccadmin -n "__fish_ccadmin_needs_command" -f -a "set" -d 'Change a setting of this shell session, or of notification mails (SMTP)'
complete -c ccadmin -n "__fish_ccadmin_needs_command" -f -a "show" -d 'Show settings of this shell session and of notification mails, this node\'s certificate'
complete -c ccadmin -n "__fish_ccadmin_needs_command" -f -a "utils" -d 'Node, cluster and deployment utilities'
complete -c ccadmin -n "__fish_ccadmin_needs_command" -f -a "serve" -d 'Run the Cloud Connect node service (HTTPS on port 8445)'
complete -c ccadmin -n "__fish_ccadmin_needs_command" -f -a "hub" -d 'The hub that registers Cloud Connect clusters and schedules their upgrades'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand file; and not __fish_seen_subcommand_from get list search tail view" -l state-dir -d 'Directory holding this node\'s state [default: $XDG_DATA_HOME/ccadmin]' -r -F
complete -c ccadmin -n "__fish_ccadmin_using_subcommand file; and not __fish_seen_subcommand_from get list search tail view" -l output -d 'Output format of results' -r -f -a "text\t'Aligned text for people'
json\t'One JSON document per command, for programs'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand file; and not __fish_seen_subcommand_from get list search tail view" -l secret-store -d 'Where secrets are kept [default: a persistent OS keyring if one exists, else a file]' -r -f -a "keyring\t'The operating system\'s persistent keyring'
file\t'An owner-only (0600) file in the state directory'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand file; and not __fish_seen_subcommand_from get list search tail view" -s y -l yes -d 'Answer yes to every confirmation'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand file; and not __fish_seen_subcommand_from get list search tail view" -s q -l quiet -d 'Print only results and errors, no status lines'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand file; and not __fish_seen_subcommand_from get list search tail view" -s v -l verbose -d 'Print more detail on stderr'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand file; and not __fish_seen_subcommand_from get list search tail view" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand file; and not __fish_seen_subcommand_from get list search tail view" -f -a "get" -d 'Send log files to an SFTP server'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand file; and not __fish_seen_subcommand_from get list search tail view" -f -a "list" -d 'List log files and directories'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand file; and not __fish_seen_subcommand_from get list search tail view" -f -a "search" -d 'Search log files for a text'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand file; and not __fish_seen_subcommand_from get list search tail view" -f -a "tail" -d 'Show the last lines of a log file, and follow it'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand file; and not __fish_seen_subcommand_from get list search tail view" -f -a "view" -d 'Show a log file'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand file; and __fish_seen_subcommand_from get" -l state-dir -d 'Directory holding this node\'s state [default: $XDG_DATA_HOME/ccadmin]' -r -F
complete -c ccadmin -n "__fish_ccadmin_using_subcommand file; and __fish_seen_subcommand_from get" -l output -d 'Output format of results' -r -f -a "text\t'Aligned text for people'
json\t'One JSON document per command, for programs'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand file; and __fish_seen_subcommand_from get" -l secret-store -d 'Where secrets are kept [default: a persistent OS keyring if one exists, else a file]' -r -f -a "keyring\t'The operating system\'s persistent keyring'
file\t'An owner-only (0600) file in the state directory'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand file; and __fish_seen_subcommand_from get" -s y -l yes -d 'Answer yes to every confirmation'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand file; and __fish_seen_subcommand_from get" -s q -l quiet -d 'Print only results and errors, no status lines'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand file; and __fish_seen_subcommand_from get" -s v -l verbose -d 'Print more detail on stderr'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand file; and __fish_seen_subcommand_from get" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand file; and __fish_seen_subcommand_from get" -f -a "activelog" -d 'Send log files of this node to an SFTP server'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand file; and __fish_seen_subcommand_from list" -l state-dir -d 'Directory holding this node\'s state [default: $XDG_DATA_HOME/ccadmin]' -r -F
complete -c ccadmin -n "__fish_ccadmin_using_subcommand file; and __fish_seen_subcommand_from list" -l output -d 'Output format of results' -r -f -a "text\t'Aligned text for people'
json\t'One JSON document per command, for programs'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand file; and __fish_seen_subcommand_from list" -l secret-store -d 'Where secrets are kept [default: a persistent OS keyring if one exists, else a file]' -r -f -a "keyring\t'The operating system\'s persistent keyring'
file\t'An owner-only (0600) file in the state directory'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand file; and __fish_seen_subcommand_from list" -s y -l yes -d 'Answer yes to every confirmation'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand file; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only results and errors, no status lines'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand file; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Print more detail on stderr'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand file; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand file; and __fish_seen_subcommand_from list" -f -a "activelog" -d 'List the node\'s log files and directories'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand file; and __fish_seen_subcommand_from search" -l state-dir -d 'Directory holding this node\'s state [default: $XDG_DATA_HOME/ccadmin]' -r -F
complete -c ccadmin -n "__fish_ccadmin_using_subcommand file; and __fish_seen_subcommand_from search" -l output -d 'Output format of results' -r -f -a "text\t'Aligned text for people'
json\t'One JSON document per command, for programs'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand file; and __fish_seen_subcommand_from search" -l secret-store -d 'Where secrets are kept [default: a persistent OS keyring if one exists, else a file]' -r -f -a "keyring\t'The operating system\'s persistent keyring'
file\t'An owner-only (0600) file in the state directory'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand file; and __fish_seen_subcommand_from search" -s y -l yes -d 'Answer yes to every confirmation'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand file; and __fish_seen_subcommand_from search" -s q -l quiet -d 'Print only results and errors, no status lines'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand file; and __fish_seen_subcommand_from search" -s v -l verbose -d 'Print more detail on stderr'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand file; and __fish_seen_subcommand_from search" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand file; and __fish_seen_subcommand_from search" -f -a "activelog" -d 'Search the node\'s log files for a text'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand file; and __fish_seen_subcommand_from tail" -l state-dir -d 'Directory holding this node\'s state [default: $XDG_DATA_HOME/ccadmin]' -r -F
complete -c ccadmin -n "__fish_ccadmin_using_subcommand file; and __fish_seen_subcommand_from tail" -l output -d 'Output format of results' -r -f -a "text\t'Aligned text for people'
json\t'One JSON document per command, for programs'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand file; and __fish_seen_subcommand_from tail" -l secret-store -d 'Where secrets are kept [default: a persistent OS keyring if one exists, else a file]' -r -f -a "keyring\t'The operating system\'s persistent keyring'
file\t'An owner-only (0600) file in the state directory'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand file; and __fish_seen_subcommand_from tail" -s y -l yes -d 'Answer yes to every confirmation'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand file; and __fish_seen_subcommand_from tail" -s q -l quiet -d 'Print only results and errors, no status lines'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand file; and __fish_seen_subcommand_from tail" -s v -l verbose -d 'Print more detail on stderr'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand file; and __fish_seen_subcommand_from tail" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand file; and __fish_seen_subcommand_from tail" -f -a "activelog" -d 'Show the last lines of a log file, and with --follow the lines added to it'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand file; and __fish_seen_subcommand_from view" -l state-dir -d 'Directory holding this node\'s state [default: $XDG_DATA_HOME/ccadmin]' -r -F
complete -c ccadmin -n "__fish_ccadmin_using_subcommand file; and __fish_seen_subcommand_from view" -l output -d 'Output format of results' -r -f -a "text\t'Aligned text for people'
json\t'One JSON document per command, for programs'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand file; and __fish_seen_subcommand_from view" -l secret-store -d 'Where secrets are kept [default: a persistent OS keyring if one exists, else a file]' -r -f -a "keyring\t'The operating system\'s persistent keyring'
file\t'An owner-only (0600) file in the state directory'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand file; and __fish_seen_subcommand_from view" -s y -l yes -d 'Answer yes to every confirmation'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand file; and __fish_seen_subcommand_from view" -s q -l quiet -d 'Print only results and errors, no status lines'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand file; and __fish_seen_subcommand_from view" -s v -l verbose -d 'Print more detail on stderr'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand file; and __fish_seen_subcommand_from view" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand file; and __fish_seen_subcommand_from view" -f -a "activelog" -d 'Show a log file of this node'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand help" -l state-dir -d 'Directory holding this node\'s state [default: $XDG_DATA_HOME/ccadmin]' -r -F
complete -c ccadmin -n "__fish_ccadmin_using_subcommand help" -l output -d 'Output format of results' -r -f -a "text\t'Aligned text for people'
json\t'One JSON document per command, for programs'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand help" -l secret-store -d 'Where secrets are kept [default: a persistent OS keyring if one exists, else a file]' -r -f -a "keyring\t'The operating system\'s persistent keyring'
file\t'An owner-only (0600) file in the state directory'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand help" -s y -l yes -d 'Answer yes to every confirmation'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand help" -s q -l quiet -d 'Print only results and errors, no status lines'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand help" -s v -l verbose -d 'Print more detail on stderr'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand run; and not __fish_seen_subcommand_from sql" -l state-dir -d 'Directory holding this node\'s state [default: $XDG_DATA_HOME/ccadmin]' -r -F
complete -c ccadmin -n "__fish_ccadmin_using_subcommand run; and not __fish_seen_subcommand_from sql" -l output -d 'Output format of results' -r -f -a "text\t'Aligned text for people'
json\t'One JSON document per command, for programs'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand run; and not __fish_seen_subcommand_from sql" -l secret-store -d 'Where secrets are kept [default: a persistent OS keyring if one exists, else a file]' -r -f -a "keyring\t'The operating system\'s persistent keyring'
file\t'An owner-only (0600) file in the state directory'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand run; and not __fish_seen_subcommand_from sql" -s y -l yes -d 'Answer yes to every confirmation'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand run; and not __fish_seen_subcommand_from sql" -s q -l quiet -d 'Print only results and errors, no status lines'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand run; and not __fish_seen_subcommand_from sql" -s v -l verbose -d 'Print more detail on stderr'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand run; and not __fish_seen_subcommand_from sql" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand run; and not __fish_seen_subcommand_from sql" -f -a "sql" -d 'Run a read-only SQL query over this node\'s tables'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand run; and __fish_seen_subcommand_from sql" -l state-dir -d 'Directory holding this node\'s state [default: $XDG_DATA_HOME/ccadmin]' -r -F
complete -c ccadmin -n "__fish_ccadmin_using_subcommand run; and __fish_seen_subcommand_from sql" -l output -d 'Output format of results' -r -f -a "text\t'Aligned text for people'
json\t'One JSON document per command, for programs'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand run; and __fish_seen_subcommand_from sql" -l secret-store -d 'Where secrets are kept [default: a persistent OS keyring if one exists, else a file]' -r -f -a "keyring\t'The operating system\'s persistent keyring'
file\t'An owner-only (0600) file in the state directory'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand run; and __fish_seen_subcommand_from sql" -s y -l yes -d 'Answer yes to every confirmation'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand run; and __fish_seen_subcommand_from sql" -s q -l quiet -d 'Print only results and errors, no status lines'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand run; and __fish_seen_subcommand_from sql" -s v -l verbose -d 'Print more detail on stderr'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand run; and __fish_seen_subcommand_from sql" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand set; and not __fish_seen_subcommand_from cli smtp-host smtp-from-email smtp-use-auth smtp-user smtp-pswd" -l state-dir -d 'Directory holding this node\'s state [default: $XDG_DATA_HOME/ccadmin]' -r -F
complete -c ccadmin -n "__fish_ccadmin_using_subcommand set; and not __fish_seen_subcommand_from cli smtp-host smtp-from-email smtp-use-auth smtp-user smtp-pswd" -l output -d 'Output format of results' -r -f -a "text\t'Aligned text for people'
json\t'One JSON document per command, for programs'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand set; and not __fish_seen_subcommand_from cli smtp-host smtp-from-email smtp-use-auth smtp-user smtp-pswd" -l secret-store -d 'Where secrets are kept [default: a persistent OS keyring if one exists, else a file]' -r -f -a "keyring\t'The operating system\'s persistent keyring'
file\t'An owner-only (0600) file in the state directory'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand set; and not __fish_seen_subcommand_from cli smtp-host smtp-from-email smtp-use-auth smtp-user smtp-pswd" -s y -l yes -d 'Answer yes to every confirmation'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand set; and not __fish_seen_subcommand_from cli smtp-host smtp-from-email smtp-use-auth smtp-user smtp-pswd" -s q -l quiet -d 'Print only results and errors, no status lines'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand set; and not __fish_seen_subcommand_from cli smtp-host smtp-from-email smtp-use-auth smtp-user smtp-pswd" -s v -l verbose -d 'Print more detail on stderr'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand set; and not __fish_seen_subcommand_from cli smtp-host smtp-from-email smtp-use-auth smtp-user smtp-pswd" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand set; and not __fish_seen_subcommand_from cli smtp-host smtp-from-email smtp-use-auth smtp-user smtp-pswd" -f -a "cli" -d 'Settings of the command-line interface'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand set; and not __fish_seen_subcommand_from cli smtp-host smtp-from-email smtp-use-auth smtp-user smtp-pswd" -f -a "smtp-host" -d '(Cloud Connect publisher) The SMTP server notifications are sent through'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand set; and not __fish_seen_subcommand_from cli smtp-host smtp-from-email smtp-use-auth smtp-user smtp-pswd" -f -a "smtp-from-email" -d '(Cloud Connect publisher) The sender address of notification mails'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand set; and not __fish_seen_subcommand_from cli smtp-host smtp-from-email smtp-use-auth smtp-user smtp-pswd" -f -a "smtp-use-auth" -d '(Cloud Connect publisher) Log in to the SMTP server, or not'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand set; and not __fish_seen_subcommand_from cli smtp-host smtp-from-email smtp-use-auth smtp-user smtp-pswd" -f -a "smtp-user" -d '(Cloud Connect publisher) The SMTP user name'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand set; and not __fish_seen_subcommand_from cli smtp-host smtp-from-email smtp-use-auth smtp-user smtp-pswd" -f -a "smtp-pswd" -d '(Cloud Connect publisher) The SMTP password (secret store)'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand set; and __fish_seen_subcommand_from cli" -l state-dir -d 'Directory holding this node\'s state [default: $XDG_DATA_HOME/ccadmin]' -r -F
complete -c ccadmin -n "__fish_ccadmin_using_subcommand set; and __fish_seen_subcommand_from cli" -l output -d 'Output format of results' -r -f -a "text\t'Aligned text for people'
json\t'One JSON document per command, for programs'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand set; and __fish_seen_subcommand_from cli" -l secret-store -d 'Where secrets are kept [default: a persistent OS keyring if one exists, else a file]' -r -f -a "keyring\t'The operating system\'s persistent keyring'
file\t'An owner-only (0600) file in the state directory'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand set; and __fish_seen_subcommand_from cli" -s y -l yes -d 'Answer yes to every confirmation'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand set; and __fish_seen_subcommand_from cli" -s q -l quiet -d 'Print only results and errors, no status lines'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand set; and __fish_seen_subcommand_from cli" -s v -l verbose -d 'Print more detail on stderr'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand set; and __fish_seen_subcommand_from cli" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand set; and __fish_seen_subcommand_from cli" -f -a "pagination" -d 'Turn automatic pagination of long output on or off for this session'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand set; and __fish_seen_subcommand_from smtp-host" -l security -d 'How the connection is protected' -r -f -a "starttls\t'STARTTLS, required (port 587 unless given)'
tls\t'TLS from the first byte, implicit TLS (port 465 unless given)'
none\t'No TLS (port 25 unless given); refused together with authentication'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand set; and __fish_seen_subcommand_from smtp-host" -l state-dir -d 'Directory holding this node\'s state [default: $XDG_DATA_HOME/ccadmin]' -r -F
complete -c ccadmin -n "__fish_ccadmin_using_subcommand set; and __fish_seen_subcommand_from smtp-host" -l output -d 'Output format of results' -r -f -a "text\t'Aligned text for people'
json\t'One JSON document per command, for programs'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand set; and __fish_seen_subcommand_from smtp-host" -l secret-store -d 'Where secrets are kept [default: a persistent OS keyring if one exists, else a file]' -r -f -a "keyring\t'The operating system\'s persistent keyring'
file\t'An owner-only (0600) file in the state directory'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand set; and __fish_seen_subcommand_from smtp-host" -s y -l yes -d 'Answer yes to every confirmation'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand set; and __fish_seen_subcommand_from smtp-host" -s q -l quiet -d 'Print only results and errors, no status lines'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand set; and __fish_seen_subcommand_from smtp-host" -s v -l verbose -d 'Print more detail on stderr'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand set; and __fish_seen_subcommand_from smtp-host" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand set; and __fish_seen_subcommand_from smtp-from-email" -l state-dir -d 'Directory holding this node\'s state [default: $XDG_DATA_HOME/ccadmin]' -r -F
complete -c ccadmin -n "__fish_ccadmin_using_subcommand set; and __fish_seen_subcommand_from smtp-from-email" -l output -d 'Output format of results' -r -f -a "text\t'Aligned text for people'
json\t'One JSON document per command, for programs'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand set; and __fish_seen_subcommand_from smtp-from-email" -l secret-store -d 'Where secrets are kept [default: a persistent OS keyring if one exists, else a file]' -r -f -a "keyring\t'The operating system\'s persistent keyring'
file\t'An owner-only (0600) file in the state directory'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand set; and __fish_seen_subcommand_from smtp-from-email" -s y -l yes -d 'Answer yes to every confirmation'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand set; and __fish_seen_subcommand_from smtp-from-email" -s q -l quiet -d 'Print only results and errors, no status lines'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand set; and __fish_seen_subcommand_from smtp-from-email" -s v -l verbose -d 'Print more detail on stderr'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand set; and __fish_seen_subcommand_from smtp-from-email" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand set; and __fish_seen_subcommand_from smtp-use-auth" -l state-dir -d 'Directory holding this node\'s state [default: $XDG_DATA_HOME/ccadmin]' -r -F
complete -c ccadmin -n "__fish_ccadmin_using_subcommand set; and __fish_seen_subcommand_from smtp-use-auth" -l output -d 'Output format of results' -r -f -a "text\t'Aligned text for people'
json\t'One JSON document per command, for programs'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand set; and __fish_seen_subcommand_from smtp-use-auth" -l secret-store -d 'Where secrets are kept [default: a persistent OS keyring if one exists, else a file]' -r -f -a "keyring\t'The operating system\'s persistent keyring'
file\t'An owner-only (0600) file in the state directory'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand set; and __fish_seen_subcommand_from smtp-use-auth" -s y -l yes -d 'Answer yes to every confirmation'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand set; and __fish_seen_subcommand_from smtp-use-auth" -s q -l quiet -d 'Print only results and errors, no status lines'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand set; and __fish_seen_subcommand_from smtp-use-auth" -s v -l verbose -d 'Print more detail on stderr'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand set; and __fish_seen_subcommand_from smtp-use-auth" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand set; and __fish_seen_subcommand_from smtp-user" -l state-dir -d 'Directory holding this node\'s state [default: $XDG_DATA_HOME/ccadmin]' -r -F
complete -c ccadmin -n "__fish_ccadmin_using_subcommand set; and __fish_seen_subcommand_from smtp-user" -l output -d 'Output format of results' -r -f -a "text\t'Aligned text for people'
json\t'One JSON document per command, for programs'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand set; and __fish_seen_subcommand_from smtp-user" -l secret-store -d 'Where secrets are kept [default: a persistent OS keyring if one exists, else a file]' -r -f -a "keyring\t'The operating system\'s persistent keyring'
file\t'An owner-only (0600) file in the state directory'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand set; and __fish_seen_subcommand_from smtp-user" -s y -l yes -d 'Answer yes to every confirmation'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand set; and __fish_seen_subcommand_from smtp-user" -s q -l quiet -d 'Print only results and errors, no status lines'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand set; and __fish_seen_subcommand_from smtp-user" -s v -l verbose -d 'Print more detail on stderr'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand set; and __fish_seen_subcommand_from smtp-user" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand set; and __fish_seen_subcommand_from smtp-pswd" -l password-file -d 'Read the password from the first line of FILE instead of asking' -r -F
complete -c ccadmin -n "__fish_ccadmin_using_subcommand set; and __fish_seen_subcommand_from smtp-pswd" -l state-dir -d 'Directory holding this node\'s state [default: $XDG_DATA_HOME/ccadmin]' -r -F
complete -c ccadmin -n "__fish_ccadmin_using_subcommand set; and __fish_seen_subcommand_from smtp-pswd" -l output -d 'Output format of results' -r -f -a "text\t'Aligned text for people'
json\t'One JSON document per command, for programs'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand set; and __fish_seen_subcommand_from smtp-pswd" -l secret-store -d 'Where secrets are kept [default: a persistent OS keyring if one exists, else a file]' -r -f -a "keyring\t'The operating system\'s persistent keyring'
file\t'An owner-only (0600) file in the state directory'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand set; and __fish_seen_subcommand_from smtp-pswd" -s y -l yes -d 'Answer yes to every confirmation'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand set; and __fish_seen_subcommand_from smtp-pswd" -s q -l quiet -d 'Print only results and errors, no status lines'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand set; and __fish_seen_subcommand_from smtp-pswd" -s v -l verbose -d 'Print more detail on stderr'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand set; and __fish_seen_subcommand_from smtp-pswd" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand show; and not __fish_seen_subcommand_from cert cli smtp-host smtp-from-email smtp-use-auth smtp-user version" -l state-dir -d 'Directory holding this node\'s state [default: $XDG_DATA_HOME/ccadmin]' -r -F
complete -c ccadmin -n "__fish_ccadmin_using_subcommand show; and not __fish_seen_subcommand_from cert cli smtp-host smtp-from-email smtp-use-auth smtp-user version" -l output -d 'Output format of results' -r -f -a "text\t'Aligned text for people'
json\t'One JSON document per command, for programs'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand show; and not __fish_seen_subcommand_from cert cli smtp-host smtp-from-email smtp-use-auth smtp-user version" -l secret-store -d 'Where secrets are kept [default: a persistent OS keyring if one exists, else a file]' -r -f -a "keyring\t'The operating system\'s persistent keyring'
file\t'An owner-only (0600) file in the state directory'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand show; and not __fish_seen_subcommand_from cert cli smtp-host smtp-from-email smtp-use-auth smtp-user version" -s y -l yes -d 'Answer yes to every confirmation'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand show; and not __fish_seen_subcommand_from cert cli smtp-host smtp-from-email smtp-use-auth smtp-user version" -s q -l quiet -d 'Print only results and errors, no status lines'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand show; and not __fish_seen_subcommand_from cert cli smtp-host smtp-from-email smtp-use-auth smtp-user version" -s v -l verbose -d 'Print more detail on stderr'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand show; and not __fish_seen_subcommand_from cert cli smtp-host smtp-from-email smtp-use-auth smtp-user version" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand show; and not __fish_seen_subcommand_from cert cli smtp-host smtp-from-email smtp-use-auth smtp-user version" -f -a "cert" -d 'Certificates of this node'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand show; and not __fish_seen_subcommand_from cert cli smtp-host smtp-from-email smtp-use-auth smtp-user version" -f -a "cli" -d 'Settings of the command-line interface'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand show; and not __fish_seen_subcommand_from cert cli smtp-host smtp-from-email smtp-use-auth smtp-user version" -f -a "smtp-host" -d '(Cloud Connect) The SMTP server notifications are sent through'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand show; and not __fish_seen_subcommand_from cert cli smtp-host smtp-from-email smtp-use-auth smtp-user version" -f -a "smtp-from-email" -d '(Cloud Connect) The sender address of notification mails'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand show; and not __fish_seen_subcommand_from cert cli smtp-host smtp-from-email smtp-use-auth smtp-user version" -f -a "smtp-use-auth" -d '(Cloud Connect) Whether this node logs in to the SMTP server'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand show; and not __fish_seen_subcommand_from cert cli smtp-host smtp-from-email smtp-use-auth smtp-user version" -f -a "smtp-user" -d '(Cloud Connect) The SMTP user name'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand show; and not __fish_seen_subcommand_from cert cli smtp-host smtp-from-email smtp-use-auth smtp-user version" -f -a "version" -d '(VOS) The active and inactive versions of this node and their patches'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand show; and __fish_seen_subcommand_from cert" -l state-dir -d 'Directory holding this node\'s state [default: $XDG_DATA_HOME/ccadmin]' -r -F
complete -c ccadmin -n "__fish_ccadmin_using_subcommand show; and __fish_seen_subcommand_from cert" -l output -d 'Output format of results' -r -f -a "text\t'Aligned text for people'
json\t'One JSON document per command, for programs'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand show; and __fish_seen_subcommand_from cert" -l secret-store -d 'Where secrets are kept [default: a persistent OS keyring if one exists, else a file]' -r -f -a "keyring\t'The operating system\'s persistent keyring'
file\t'An owner-only (0600) file in the state directory'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand show; and __fish_seen_subcommand_from cert" -s y -l yes -d 'Answer yes to every confirmation'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand show; and __fish_seen_subcommand_from cert" -s q -l quiet -d 'Print only results and errors, no status lines'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand show; and __fish_seen_subcommand_from cert" -s v -l verbose -d 'Print more detail on stderr'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand show; and __fish_seen_subcommand_from cert" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand show; and __fish_seen_subcommand_from cert" -f -a "own" -d 'Print this node\'s service certificate (PEM), to import on the VOS nodes'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand show; and __fish_seen_subcommand_from cli" -l state-dir -d 'Directory holding this node\'s state [default: $XDG_DATA_HOME/ccadmin]' -r -F
complete -c ccadmin -n "__fish_ccadmin_using_subcommand show; and __fish_seen_subcommand_from cli" -l output -d 'Output format of results' -r -f -a "text\t'Aligned text for people'
json\t'One JSON document per command, for programs'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand show; and __fish_seen_subcommand_from cli" -l secret-store -d 'Where secrets are kept [default: a persistent OS keyring if one exists, else a file]' -r -f -a "keyring\t'The operating system\'s persistent keyring'
file\t'An owner-only (0600) file in the state directory'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand show; and __fish_seen_subcommand_from cli" -s y -l yes -d 'Answer yes to every confirmation'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand show; and __fish_seen_subcommand_from cli" -s q -l quiet -d 'Print only results and errors, no status lines'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand show; and __fish_seen_subcommand_from cli" -s v -l verbose -d 'Print more detail on stderr'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand show; and __fish_seen_subcommand_from cli" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand show; and __fish_seen_subcommand_from cli" -f -a "pagination" -d 'Show whether long output is paged in this session'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand show; and __fish_seen_subcommand_from smtp-host" -l state-dir -d 'Directory holding this node\'s state [default: $XDG_DATA_HOME/ccadmin]' -r -F
complete -c ccadmin -n "__fish_ccadmin_using_subcommand show; and __fish_seen_subcommand_from smtp-host" -l output -d 'Output format of results' -r -f -a "text\t'Aligned text for people'
json\t'One JSON document per command, for programs'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand show; and __fish_seen_subcommand_from smtp-host" -l secret-store -d 'Where secrets are kept [default: a persistent OS keyring if one exists, else a file]' -r -f -a "keyring\t'The operating system\'s persistent keyring'
file\t'An owner-only (0600) file in the state directory'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand show; and __fish_seen_subcommand_from smtp-host" -s y -l yes -d 'Answer yes to every confirmation'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand show; and __fish_seen_subcommand_from smtp-host" -s q -l quiet -d 'Print only results and errors, no status lines'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand show; and __fish_seen_subcommand_from smtp-host" -s v -l verbose -d 'Print more detail on stderr'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand show; and __fish_seen_subcommand_from smtp-host" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand show; and __fish_seen_subcommand_from smtp-from-email" -l state-dir -d 'Directory holding this node\'s state [default: $XDG_DATA_HOME/ccadmin]' -r -F
complete -c ccadmin -n "__fish_ccadmin_using_subcommand show; and __fish_seen_subcommand_from smtp-from-email" -l output -d 'Output format of results' -r -f -a "text\t'Aligned text for people'
json\t'One JSON document per command, for programs'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand show; and __fish_seen_subcommand_from smtp-from-email" -l secret-store -d 'Where secrets are kept [default: a persistent OS keyring if one exists, else a file]' -r -f -a "keyring\t'The operating system\'s persistent keyring'
file\t'An owner-only (0600) file in the state directory'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand show; and __fish_seen_subcommand_from smtp-from-email" -s y -l yes -d 'Answer yes to every confirmation'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand show; and __fish_seen_subcommand_from smtp-from-email" -s q -l quiet -d 'Print only results and errors, no status lines'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand show; and __fish_seen_subcommand_from smtp-from-email" -s v -l verbose -d 'Print more detail on stderr'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand show; and __fish_seen_subcommand_from smtp-from-email" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand show; and __fish_seen_subcommand_from smtp-use-auth" -l state-dir -d 'Directory holding this node\'s state [default: $XDG_DATA_HOME/ccadmin]' -r -F
complete -c ccadmin -n "__fish_ccadmin_using_subcommand show; and __fish_seen_subcommand_from smtp-use-auth" -l output -d 'Output format of results' -r -f -a "text\t'Aligned text for people'
json\t'One JSON document per command, for programs'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand show; and __fish_seen_subcommand_from smtp-use-auth" -l secret-store -d 'Where secrets are kept [default: a persistent OS keyring if one exists, else a file]' -r -f -a "keyring\t'The operating system\'s persistent keyring'
file\t'An owner-only (0600) file in the state directory'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand show; and __fish_seen_subcommand_from smtp-use-auth" -s y -l yes -d 'Answer yes to every confirmation'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand show; and __fish_seen_subcommand_from smtp-use-auth" -s q -l quiet -d 'Print only results and errors, no status lines'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand show; and __fish_seen_subcommand_from smtp-use-auth" -s v -l verbose -d 'Print more detail on stderr'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand show; and __fish_seen_subcommand_from smtp-use-auth" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand show; and __fish_seen_subcommand_from smtp-user" -l state-dir -d 'Directory holding this node\'s state [default: $XDG_DATA_HOME/ccadmin]' -r -F
complete -c ccadmin -n "__fish_ccadmin_using_subcommand show; and __fish_seen_subcommand_from smtp-user" -l output -d 'Output format of results' -r -f -a "text\t'Aligned text for people'
json\t'One JSON document per command, for programs'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand show; and __fish_seen_subcommand_from smtp-user" -l secret-store -d 'Where secrets are kept [default: a persistent OS keyring if one exists, else a file]' -r -f -a "keyring\t'The operating system\'s persistent keyring'
file\t'An owner-only (0600) file in the state directory'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand show; and __fish_seen_subcommand_from smtp-user" -s y -l yes -d 'Answer yes to every confirmation'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand show; and __fish_seen_subcommand_from smtp-user" -s q -l quiet -d 'Print only results and errors, no status lines'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand show; and __fish_seen_subcommand_from smtp-user" -s v -l verbose -d 'Print more detail on stderr'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand show; and __fish_seen_subcommand_from smtp-user" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand show; and __fish_seen_subcommand_from version" -l state-dir -d 'Directory holding this node\'s state [default: $XDG_DATA_HOME/ccadmin]' -r -F
complete -c ccadmin -n "__fish_ccadmin_using_subcommand show; and __fish_seen_subcommand_from version" -l output -d 'Output format of results' -r -f -a "text\t'Aligned text for people'
json\t'One JSON document per command, for programs'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand show; and __fish_seen_subcommand_from version" -l secret-store -d 'Where secrets are kept [default: a persistent OS keyring if one exists, else a file]' -r -f -a "keyring\t'The operating system\'s persistent keyring'
file\t'An owner-only (0600) file in the state directory'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand show; and __fish_seen_subcommand_from version" -s y -l yes -d 'Answer yes to every confirmation'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand show; and __fish_seen_subcommand_from version" -s q -l quiet -d 'Print only results and errors, no status lines'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand show; and __fish_seen_subcommand_from version" -s v -l verbose -d 'Print more detail on stderr'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand show; and __fish_seen_subcommand_from version" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand show; and __fish_seen_subcommand_from version" -f -a "active" -d 'Show the active version of this VOS node and its installed patches'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand show; and __fish_seen_subcommand_from version" -f -a "inactive" -d 'Show the inactive version of this VOS node and its installed patches'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and not __fish_seen_subcommand_from applicationuser cert cloudconnect controlnode dbreplication deployment image-repository initiate node orchestration patch-manager secret-store set show smtp system upgrade-manager" -l state-dir -d 'Directory holding this node\'s state [default: $XDG_DATA_HOME/ccadmin]' -r -F
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and not __fish_seen_subcommand_from applicationuser cert cloudconnect controlnode dbreplication deployment image-repository initiate node orchestration patch-manager secret-store set show smtp system upgrade-manager" -l output -d 'Output format of results' -r -f -a "text\t'Aligned text for people'
json\t'One JSON document per command, for programs'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and not __fish_seen_subcommand_from applicationuser cert cloudconnect controlnode dbreplication deployment image-repository initiate node orchestration patch-manager secret-store set show smtp system upgrade-manager" -l secret-store -d 'Where secrets are kept [default: a persistent OS keyring if one exists, else a file]' -r -f -a "keyring\t'The operating system\'s persistent keyring'
file\t'An owner-only (0600) file in the state directory'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and not __fish_seen_subcommand_from applicationuser cert cloudconnect controlnode dbreplication deployment image-repository initiate node orchestration patch-manager secret-store set show smtp system upgrade-manager" -s y -l yes -d 'Answer yes to every confirmation'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and not __fish_seen_subcommand_from applicationuser cert cloudconnect controlnode dbreplication deployment image-repository initiate node orchestration patch-manager secret-store set show smtp system upgrade-manager" -s q -l quiet -d 'Print only results and errors, no status lines'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and not __fish_seen_subcommand_from applicationuser cert cloudconnect controlnode dbreplication deployment image-repository initiate node orchestration patch-manager secret-store set show smtp system upgrade-manager" -s v -l verbose -d 'Print more detail on stderr'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and not __fish_seen_subcommand_from applicationuser cert cloudconnect controlnode dbreplication deployment image-repository initiate node orchestration patch-manager secret-store set show smtp system upgrade-manager" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and not __fish_seen_subcommand_from applicationuser cert cloudconnect controlnode dbreplication deployment image-repository initiate node orchestration patch-manager secret-store set show smtp system upgrade-manager" -f -a "applicationuser" -d 'Application users that authenticate to this node\'s service'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and not __fish_seen_subcommand_from applicationuser cert cloudconnect controlnode dbreplication deployment image-repository initiate node orchestration patch-manager secret-store set show smtp system upgrade-manager" -f -a "cert" -d 'Certificates this node trusts'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and not __fish_seen_subcommand_from applicationuser cert cloudconnect controlnode dbreplication deployment image-repository initiate node orchestration patch-manager secret-store set show smtp system upgrade-manager" -f -a "cloudconnect" -d 'This Cloud Connect cluster\'s registration with a hub'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and not __fish_seen_subcommand_from applicationuser cert cloudconnect controlnode dbreplication deployment image-repository initiate node orchestration patch-manager secret-store set show smtp system upgrade-manager" -f -a "controlnode" -d 'This Cloud Connect node\'s own SSH key'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and not __fish_seen_subcommand_from applicationuser cert cloudconnect controlnode dbreplication deployment image-repository initiate node orchestration patch-manager secret-store set show smtp system upgrade-manager" -f -a "dbreplication" -d 'The replication between the Cloud Connect publisher and its subscriber'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and not __fish_seen_subcommand_from applicationuser cert cloudconnect controlnode dbreplication deployment image-repository initiate node orchestration patch-manager secret-store set show smtp system upgrade-manager" -f -a "deployment" -d 'The deployment\'s hosts: test-connection, the compatibility check, the patch-level export'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and not __fish_seen_subcommand_from applicationuser cert cloudconnect controlnode dbreplication deployment image-repository initiate node orchestration patch-manager secret-store set show smtp system upgrade-manager" -f -a "image-repository" -d 'The Artifactory that software is downloaded from'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and not __fish_seen_subcommand_from applicationuser cert cloudconnect controlnode dbreplication deployment image-repository initiate node orchestration patch-manager secret-store set show smtp system upgrade-manager" -f -a "initiate" -d 'Start now what otherwise runs on a schedule: the software download'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and not __fish_seen_subcommand_from applicationuser cert cloudconnect controlnode dbreplication deployment image-repository initiate node orchestration patch-manager secret-store set show smtp system upgrade-manager" -f -a "node" -d 'This node\'s identity'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and not __fish_seen_subcommand_from applicationuser cert cloudconnect controlnode dbreplication deployment image-repository initiate node orchestration patch-manager secret-store set show smtp system upgrade-manager" -f -a "orchestration" -d 'Orchestration settings: reset max-parallel-tasks to its default'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and not __fish_seen_subcommand_from applicationuser cert cloudconnect controlnode dbreplication deployment image-repository initiate node orchestration patch-manager secret-store set show smtp system upgrade-manager" -f -a "patch-manager" -d 'Patches: list, install, roll back, export their levels, and who may sign them'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and not __fish_seen_subcommand_from applicationuser cert cloudconnect controlnode dbreplication deployment image-repository initiate node orchestration patch-manager secret-store set show smtp system upgrade-manager" -f -a "secret-store" -d 'Where this node keeps its secrets: the owner-only file or the keyring'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and not __fish_seen_subcommand_from applicationuser cert cloudconnect controlnode dbreplication deployment image-repository initiate node orchestration patch-manager secret-store set show smtp system upgrade-manager" -f -a "set" -d 'Settings of orchestration runs and the software download'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and not __fish_seen_subcommand_from applicationuser cert cloudconnect controlnode dbreplication deployment image-repository initiate node orchestration patch-manager secret-store set show smtp system upgrade-manager" -f -a "show" -d 'Settings of orchestration runs and the software download'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and not __fish_seen_subcommand_from applicationuser cert cloudconnect controlnode dbreplication deployment image-repository initiate node orchestration patch-manager secret-store set show smtp system upgrade-manager" -f -a "smtp" -d 'Notification mails: test the SMTP server, subscribe addresses'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and not __fish_seen_subcommand_from applicationuser cert cloudconnect controlnode dbreplication deployment image-repository initiate node orchestration patch-manager secret-store set show smtp system upgrade-manager" -f -a "system" -d 'The deployment: its inventory, and onboarding a VOS cluster to Cloud Connect'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and not __fish_seen_subcommand_from applicationuser cert cloudconnect controlnode dbreplication deployment image-repository initiate node orchestration patch-manager secret-store set show smtp system upgrade-manager" -f -a "upgrade-manager" -d 'Upgrades of the deployment\'s nodes: list, upgrade, switch forward, roll back'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from applicationuser" -l state-dir -d 'Directory holding this node\'s state [default: $XDG_DATA_HOME/ccadmin]' -r -F
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from applicationuser" -l output -d 'Output format of results' -r -f -a "text\t'Aligned text for people'
json\t'One JSON document per command, for programs'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from applicationuser" -l secret-store -d 'Where secrets are kept [default: a persistent OS keyring if one exists, else a file]' -r -f -a "keyring\t'The operating system\'s persistent keyring'
file\t'An owner-only (0600) file in the state directory'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from applicationuser" -s y -l yes -d 'Answer yes to every confirmation'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from applicationuser" -s q -l quiet -d 'Print only results and errors, no status lines'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from applicationuser" -s v -l verbose -d 'Print more detail on stderr'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from applicationuser" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from applicationuser" -f -a "add" -d 'Add an application user'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from applicationuser" -f -a "list" -d 'List the application users'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from applicationuser" -f -a "delete" -d 'Delete an application user'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from applicationuser" -f -a "password" -d 'Change an application user\'s password'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from cert" -l state-dir -d 'Directory holding this node\'s state [default: $XDG_DATA_HOME/ccadmin]' -r -F
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from cert" -l output -d 'Output format of results' -r -f -a "text\t'Aligned text for people'
json\t'One JSON document per command, for programs'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from cert" -l secret-store -d 'Where secrets are kept [default: a persistent OS keyring if one exists, else a file]' -r -f -a "keyring\t'The operating system\'s persistent keyring'
file\t'An owner-only (0600) file in the state directory'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from cert" -s y -l yes -d 'Answer yes to every confirmation'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from cert" -s q -l quiet -d 'Print only results and errors, no status lines'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from cert" -s v -l verbose -d 'Print more detail on stderr'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from cert" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from cert" -f -a "import" -d 'Trust a certificate or CA (PEM) for this node\'s HTTPS connections'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from cert" -f -a "list" -d 'List the certificates this node trusts'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from cloudconnect" -l state-dir -d 'Directory holding this node\'s state [default: $XDG_DATA_HOME/ccadmin]' -r -F
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from cloudconnect" -l output -d 'Output format of results' -r -f -a "text\t'Aligned text for people'
json\t'One JSON document per command, for programs'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from cloudconnect" -l secret-store -d 'Where secrets are kept [default: a persistent OS keyring if one exists, else a file]' -r -f -a "keyring\t'The operating system\'s persistent keyring'
file\t'An owner-only (0600) file in the state directory'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from cloudconnect" -s y -l yes -d 'Answer yes to every confirmation'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from cloudconnect" -s q -l quiet -d 'Print only results and errors, no status lines'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from cloudconnect" -s v -l verbose -d 'Print more detail on stderr'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from cloudconnect" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from cloudconnect" -f -a "show" -d 'The cluster\'s registration with a hub'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from cloudconnect" -f -a "unregister" -d 'Unregister this Cloud Connect cluster from its hub: no more automatic upgrades'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from cloudconnect" -f -a "switch-back" -d 'Point this node\'s release directory back at the release before the current one'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from controlnode" -l state-dir -d 'Directory holding this node\'s state [default: $XDG_DATA_HOME/ccadmin]' -r -F
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from controlnode" -l output -d 'Output format of results' -r -f -a "text\t'Aligned text for people'
json\t'One JSON document per command, for programs'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from controlnode" -l secret-store -d 'Where secrets are kept [default: a persistent OS keyring if one exists, else a file]' -r -f -a "keyring\t'The operating system\'s persistent keyring'
file\t'An owner-only (0600) file in the state directory'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from controlnode" -s y -l yes -d 'Answer yes to every confirmation'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from controlnode" -s q -l quiet -d 'Print only results and errors, no status lines'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from controlnode" -s v -l verbose -d 'Print more detail on stderr'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from controlnode" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from controlnode" -f -a "key" -d 'Print this node\'s SSH public key line, for a host\'s authorized_keys'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from dbreplication" -l state-dir -d 'Directory holding this node\'s state [default: $XDG_DATA_HOME/ccadmin]' -r -F
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from dbreplication" -l output -d 'Output format of results' -r -f -a "text\t'Aligned text for people'
json\t'One JSON document per command, for programs'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from dbreplication" -l secret-store -d 'Where secrets are kept [default: a persistent OS keyring if one exists, else a file]' -r -f -a "keyring\t'The operating system\'s persistent keyring'
file\t'An owner-only (0600) file in the state directory'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from dbreplication" -s y -l yes -d 'Answer yes to every confirmation'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from dbreplication" -s q -l quiet -d 'Print only results and errors, no status lines'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from dbreplication" -s v -l verbose -d 'Print more detail on stderr'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from dbreplication" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from dbreplication" -f -a "runtimestate" -d 'Show the replication between the Cloud Connect nodes: per node, reachable, last change applied, lag and last error'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from dbreplication" -f -a "status" -d 'Compare the replicated state of both Cloud Connect nodes: per kind equal or DIFFERENT, and what differs'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from dbreplication" -f -a "repair" -d 'Send the subscriber the publisher\'s whole replicated state now, then compare both nodes (confirmed; --yes skips)'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from deployment" -l state-dir -d 'Directory holding this node\'s state [default: $XDG_DATA_HOME/ccadmin]' -r -F
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from deployment" -l output -d 'Output format of results' -r -f -a "text\t'Aligned text for people'
json\t'One JSON document per command, for programs'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from deployment" -l secret-store -d 'Where secrets are kept [default: a persistent OS keyring if one exists, else a file]' -r -f -a "keyring\t'The operating system\'s persistent keyring'
file\t'An owner-only (0600) file in the state directory'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from deployment" -s y -l yes -d 'Answer yes to every confirmation'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from deployment" -s q -l quiet -d 'Print only results and errors, no status lines'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from deployment" -s v -l verbose -d 'Print more detail on stderr'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from deployment" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from deployment" -f -a "compatibility-check" -d 'Turn the compatibility check of upgrades and rollbacks on or off, or show it'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from deployment" -f -a "export-status" -d 'Write the chosen nodes\' versions and patch levels as a file to an SFTP server'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from deployment" -f -a "show" -d 'What the nodes run, and the orchestration runs: the one in progress, the history'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from deployment" -f -a "test-connection" -d 'Prove password-less SSH from this Cloud Connect node to every inventory host'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from image-repository" -l state-dir -d 'Directory holding this node\'s state [default: $XDG_DATA_HOME/ccadmin]' -r -F
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from image-repository" -l output -d 'Output format of results' -r -f -a "text\t'Aligned text for people'
json\t'One JSON document per command, for programs'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from image-repository" -l secret-store -d 'Where secrets are kept [default: a persistent OS keyring if one exists, else a file]' -r -f -a "keyring\t'The operating system\'s persistent keyring'
file\t'An owner-only (0600) file in the state directory'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from image-repository" -s y -l yes -d 'Answer yes to every confirmation'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from image-repository" -s q -l quiet -d 'Print only results and errors, no status lines'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from image-repository" -s v -l verbose -d 'Print more detail on stderr'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from image-repository" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from image-repository" -f -a "set" -d 'Configure and validate the Artifactory that software is downloaded from'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from image-repository" -f -a "show" -d 'Show the Artifactory setting'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from image-repository" -f -a "download" -d 'Download the artifacts the software choice allows, now'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from image-repository" -f -a "artifacts" -d 'List the artifacts downloaded to this node'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from initiate" -l state-dir -d 'Directory holding this node\'s state [default: $XDG_DATA_HOME/ccadmin]' -r -F
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from initiate" -l output -d 'Output format of results' -r -f -a "text\t'Aligned text for people'
json\t'One JSON document per command, for programs'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from initiate" -l secret-store -d 'Where secrets are kept [default: a persistent OS keyring if one exists, else a file]' -r -f -a "keyring\t'The operating system\'s persistent keyring'
file\t'An owner-only (0600) file in the state directory'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from initiate" -s y -l yes -d 'Answer yes to every confirmation'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from initiate" -s q -l quiet -d 'Print only results and errors, no status lines'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from initiate" -s v -l verbose -d 'Print more detail on stderr'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from initiate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from initiate" -f -a "software-download" -d 'Start the software download now, as the schedule would'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from node" -l state-dir -d 'Directory holding this node\'s state [default: $XDG_DATA_HOME/ccadmin]' -r -F
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from node" -l output -d 'Output format of results' -r -f -a "text\t'Aligned text for people'
json\t'One JSON document per command, for programs'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from node" -l secret-store -d 'Where secrets are kept [default: a persistent OS keyring if one exists, else a file]' -r -f -a "keyring\t'The operating system\'s persistent keyring'
file\t'An owner-only (0600) file in the state directory'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from node" -s y -l yes -d 'Answer yes to every confirmation'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from node" -s q -l quiet -d 'Print only results and errors, no status lines'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from node" -s v -l verbose -d 'Print more detail on stderr'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from node" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from node" -f -a "show" -d 'Show this node\'s role, host name and how Cloud Connect reaches it'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from node" -f -a "set" -d 'Change this node\'s role, host name, component or orchestration account'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from node" -f -a "cluster" -d 'The other members of this VOS node\'s cluster'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from node" -f -a "cluster-secret" -d 'Set the secret this Cloud Connect node shares with the other node of its cluster'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from orchestration" -l state-dir -d 'Directory holding this node\'s state [default: $XDG_DATA_HOME/ccadmin]' -r -F
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from orchestration" -l output -d 'Output format of results' -r -f -a "text\t'Aligned text for people'
json\t'One JSON document per command, for programs'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from orchestration" -l secret-store -d 'Where secrets are kept [default: a persistent OS keyring if one exists, else a file]' -r -f -a "keyring\t'The operating system\'s persistent keyring'
file\t'An owner-only (0600) file in the state directory'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from orchestration" -s y -l yes -d 'Answer yes to every confirmation'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from orchestration" -s q -l quiet -d 'Print only results and errors, no status lines'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from orchestration" -s v -l verbose -d 'Print more detail on stderr'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from orchestration" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from orchestration" -f -a "max-parallel-tasks" -d 'How many independent groups a run does at once'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from patch-manager" -l state-dir -d 'Directory holding this node\'s state [default: $XDG_DATA_HOME/ccadmin]' -r -F
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from patch-manager" -l output -d 'Output format of results' -r -f -a "text\t'Aligned text for people'
json\t'One JSON document per command, for programs'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from patch-manager" -l secret-store -d 'Where secrets are kept [default: a persistent OS keyring if one exists, else a file]' -r -f -a "keyring\t'The operating system\'s persistent keyring'
file\t'An owner-only (0600) file in the state directory'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from patch-manager" -s y -l yes -d 'Answer yes to every confirmation'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from patch-manager" -s q -l quiet -d 'Print only results and errors, no status lines'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from patch-manager" -s v -l verbose -d 'Print more detail on stderr'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from patch-manager" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from patch-manager" -f -a "export" -d 'Write the deployment\'s patch levels to an SFTP server'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from patch-manager" -f -a "install" -d 'Install a verified patch on the chosen nodes it applies to, one node of a cluster or pair at a time'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from patch-manager" -f -a "list" -d 'List the downloaded patches: what each is, whether its signature and file check out, and the hosts of its product'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from patch-manager" -f -a "ms-patches" -d 'Microsoft updates of the Windows nodes: install the pending ones, or remove one'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from patch-manager" -f -a "rollback" -d 'Remove the newest patch of each chosen node, one node of a cluster or pair at a time'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from patch-manager" -f -a "signer" -d 'The publishers whose signatures on patches this cluster trusts'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from secret-store" -l state-dir -d 'Directory holding this node\'s state [default: $XDG_DATA_HOME/ccadmin]' -r -F
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from secret-store" -l output -d 'Output format of results' -r -f -a "text\t'Aligned text for people'
json\t'One JSON document per command, for programs'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from secret-store" -l secret-store -d 'Where secrets are kept [default: a persistent OS keyring if one exists, else a file]' -r -f -a "keyring\t'The operating system\'s persistent keyring'
file\t'An owner-only (0600) file in the state directory'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from secret-store" -s y -l yes -d 'Answer yes to every confirmation'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from secret-store" -s q -l quiet -d 'Print only results and errors, no status lines'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from secret-store" -s v -l verbose -d 'Print more detail on stderr'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from secret-store" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from secret-store" -f -a "show" -d 'Show which store holds each of this node\'s secrets (never the secrets)'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from secret-store" -f -a "migrate" -d 'Move every secret of this node to another store in one step'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from set" -l state-dir -d 'Directory holding this node\'s state [default: $XDG_DATA_HOME/ccadmin]' -r -F
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from set" -l output -d 'Output format of results' -r -f -a "text\t'Aligned text for people'
json\t'One JSON document per command, for programs'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from set" -l secret-store -d 'Where secrets are kept [default: a persistent OS keyring if one exists, else a file]' -r -f -a "keyring\t'The operating system\'s persistent keyring'
file\t'An owner-only (0600) file in the state directory'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from set" -s y -l yes -d 'Answer yes to every confirmation'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from set" -s q -l quiet -d 'Print only results and errors, no status lines'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from set" -s v -l verbose -d 'Print more detail on stderr'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from set" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from set" -f -a "orchestration" -d 'How orchestration runs go'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from set" -f -a "software-download" -d 'When and how fast software is downloaded from the image repository'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from show" -l state-dir -d 'Directory holding this node\'s state [default: $XDG_DATA_HOME/ccadmin]' -r -F
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from show" -l output -d 'Output format of results' -r -f -a "text\t'Aligned text for people'
json\t'One JSON document per command, for programs'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from show" -l secret-store -d 'Where secrets are kept [default: a persistent OS keyring if one exists, else a file]' -r -f -a "keyring\t'The operating system\'s persistent keyring'
file\t'An owner-only (0600) file in the state directory'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from show" -s y -l yes -d 'Answer yes to every confirmation'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print only results and errors, no status lines'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from show" -s v -l verbose -d 'Print more detail on stderr'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from show" -f -a "orchestration" -d 'How orchestration runs go'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from show" -f -a "software-download" -d 'Show the software download: its daily time, bandwidth, last run and next run'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from smtp" -l state-dir -d 'Directory holding this node\'s state [default: $XDG_DATA_HOME/ccadmin]' -r -F
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from smtp" -l output -d 'Output format of results' -r -f -a "text\t'Aligned text for people'
json\t'One JSON document per command, for programs'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from smtp" -l secret-store -d 'Where secrets are kept [default: a persistent OS keyring if one exists, else a file]' -r -f -a "keyring\t'The operating system\'s persistent keyring'
file\t'An owner-only (0600) file in the state directory'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from smtp" -s y -l yes -d 'Answer yes to every confirmation'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from smtp" -s q -l quiet -d 'Print only results and errors, no status lines'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from smtp" -s v -l verbose -d 'Print more detail on stderr'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from smtp" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from smtp" -f -a "test-connection" -d 'Check the SMTP server (connect, TLS, log in) and offer to send a test mail'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from smtp" -f -a "subscribe" -d 'Send notifications to these addresses too'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from smtp" -f -a "unsubscribe" -d 'Stop sending notifications to these addresses (all: to anyone)'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from smtp" -f -a "show" -d 'Who receives notifications, and mails waiting to be delivered'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from smtp" -f -a "remove-config" -d 'Remove the SMTP setting, its password and the subscriptions (confirmed; --yes skips)'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from system" -l state-dir -d 'Directory holding this node\'s state [default: $XDG_DATA_HOME/ccadmin]' -r -F
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from system" -l output -d 'Output format of results' -r -f -a "text\t'Aligned text for people'
json\t'One JSON document per command, for programs'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from system" -l secret-store -d 'Where secrets are kept [default: a persistent OS keyring if one exists, else a file]' -r -f -a "keyring\t'The operating system\'s persistent keyring'
file\t'An owner-only (0600) file in the state directory'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from system" -s y -l yes -d 'Answer yes to every confirmation'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from system" -s q -l quiet -d 'Print only results and errors, no status lines'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from system" -s v -l verbose -d 'Print more detail on stderr'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from system" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from system" -f -a "icm-services" -d '(Cloud Connect) The ICM services of the inventory\'s ICM hosts: start'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from system" -f -a "inventory" -d 'The deployment inventory (inventory.conf): validate, show, export, import, history'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from system" -f -a "maintenance" -d '(Cloud Connect) Maintenance mode of the inventory\'s nodes: initiate, end, status'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from system" -f -a "onboard" -d 'Enrol this VOS cluster with Cloud Connect: trigger (initiate, restart), update, remove'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from system" -f -a "switch-version" -d 'Switch this VOS node to its inactive version (the active one becomes inactive)'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from system" -f -a "upgrade" -d 'This node\'s upgrade status; on VOS also install a patch or an upgrade, remove a patch'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from upgrade-manager" -l state-dir -d 'Directory holding this node\'s state [default: $XDG_DATA_HOME/ccadmin]' -r -F
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from upgrade-manager" -l output -d 'Output format of results' -r -f -a "text\t'Aligned text for people'
json\t'One JSON document per command, for programs'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from upgrade-manager" -l secret-store -d 'Where secrets are kept [default: a persistent OS keyring if one exists, else a file]' -r -f -a "keyring\t'The operating system\'s persistent keyring'
file\t'An owner-only (0600) file in the state directory'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from upgrade-manager" -s y -l yes -d 'Answer yes to every confirmation'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from upgrade-manager" -s q -l quiet -d 'Print only results and errors, no status lines'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from upgrade-manager" -s v -l verbose -d 'Print more detail on stderr'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from upgrade-manager" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from upgrade-manager" -f -a "list" -d 'List the downloaded upgrades: what each is, whether its signature and file check out, and the hosts of its product'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from upgrade-manager" -f -a "rollback" -d 'Switch the chosen VOS nodes back to their previous (inactive) version, publisher first, one node of a cluster at a time'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from upgrade-manager" -f -a "switch-forward" -d 'Switch the chosen VOS nodes to their newer inactive version, publisher first, one node of a cluster at a time'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand utils; and __fish_seen_subcommand_from upgrade-manager" -f -a "upgrade" -d 'Upgrade the chosen nodes to a verified downloaded version, publisher first, one node of a cluster or pair at a time'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand serve" -l listen -d 'Address and port to listen on' -r
complete -c ccadmin -n "__fish_ccadmin_using_subcommand serve" -l sync-interval -d 'Seconds between cluster chores: a subscriber joining its publisher, replication retries' -r
complete -c ccadmin -n "__fish_ccadmin_using_subcommand serve" -l download-schedule -d 'When the artifact download runs: a cron schedule (minute hour day-of-month month day-of-week) read in --time-zone' -r
complete -c ccadmin -n "__fish_ccadmin_using_subcommand serve" -l download-at -d 'Daily artifact download at this time (short for --download-schedule "MM HH * * *")' -r
complete -c ccadmin -n "__fish_ccadmin_using_subcommand serve" -l time-zone -d 'Time zone of the schedule (IANA name, e.g. Europe/Berlin) [default: the system\'s]' -r
complete -c ccadmin -n "__fish_ccadmin_using_subcommand serve" -l download-delay -d 'Seconds after start of the first artifact download' -r
complete -c ccadmin -n "__fish_ccadmin_using_subcommand serve" -l hub-poll-interval -d 'Seconds between polls of the hub the cluster is registered with (doubled after each failure, up to an hour)' -r
complete -c ccadmin -n "__fish_ccadmin_using_subcommand serve" -l replication-check-interval -d 'Seconds between comparisons of the publisher\'s replicated state with its subscriber\'s (utils dbreplication status); a difference is logged and mailed' -r
complete -c ccadmin -n "__fish_ccadmin_using_subcommand serve" -l release-root -d 'The release directory this node runs from (DIR/current -> DIR/releases/VERSION); a node with one installs the releases its hub offers' -r -F
complete -c ccadmin -n "__fish_ccadmin_using_subcommand serve" -l state-dir -d 'Directory holding this node\'s state [default: $XDG_DATA_HOME/ccadmin]' -r -F
complete -c ccadmin -n "__fish_ccadmin_using_subcommand serve" -l output -d 'Output format of results' -r -f -a "text\t'Aligned text for people'
json\t'One JSON document per command, for programs'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand serve" -l secret-store -d 'Where secrets are kept [default: a persistent OS keyring if one exists, else a file]' -r -f -a "keyring\t'The operating system\'s persistent keyring'
file\t'An owner-only (0600) file in the state directory'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand serve" -s y -l yes -d 'Answer yes to every confirmation'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand serve" -s q -l quiet -d 'Print only results and errors, no status lines'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand serve" -s v -l verbose -d 'Print more detail on stderr'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand serve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand hub; and not __fish_seen_subcommand_from serve cluster release account smtp alerts" -l hub-dir -d 'Directory holding the hub\'s state [default: $XDG_DATA_HOME/ccadmin-hub]' -r -F
complete -c ccadmin -n "__fish_ccadmin_using_subcommand hub; and not __fish_seen_subcommand_from serve cluster release account smtp alerts" -l now -d 'The time to act at, instead of the clock: RFC 3339, or @FILE holding one, read at every use (for tests and rehearsals)' -r
complete -c ccadmin -n "__fish_ccadmin_using_subcommand hub; and not __fish_seen_subcommand_from serve cluster release account smtp alerts" -l state-dir -d 'Directory holding this node\'s state [default: $XDG_DATA_HOME/ccadmin]' -r -F
complete -c ccadmin -n "__fish_ccadmin_using_subcommand hub; and not __fish_seen_subcommand_from serve cluster release account smtp alerts" -l output -d 'Output format of results' -r -f -a "text\t'Aligned text for people'
json\t'One JSON document per command, for programs'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand hub; and not __fish_seen_subcommand_from serve cluster release account smtp alerts" -l secret-store -d 'Where secrets are kept [default: a persistent OS keyring if one exists, else a file]' -r -f -a "keyring\t'The operating system\'s persistent keyring'
file\t'An owner-only (0600) file in the state directory'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand hub; and not __fish_seen_subcommand_from serve cluster release account smtp alerts" -s y -l yes -d 'Answer yes to every confirmation'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand hub; and not __fish_seen_subcommand_from serve cluster release account smtp alerts" -s q -l quiet -d 'Print only results and errors, no status lines'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand hub; and not __fish_seen_subcommand_from serve cluster release account smtp alerts" -s v -l verbose -d 'Print more detail on stderr'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand hub; and not __fish_seen_subcommand_from serve cluster release account smtp alerts" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand hub; and not __fish_seen_subcommand_from serve cluster release account smtp alerts" -f -a "serve" -d 'Run the hub\'s HTTPS service for Cloud Connect nodes (registration, polls, releases)'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand hub; and not __fish_seen_subcommand_from serve cluster release account smtp alerts" -f -a "cluster" -d 'The registered Cloud Connect clusters'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand hub; and not __fish_seen_subcommand_from serve cluster release account smtp alerts" -f -a "release" -d 'The ccadmin releases the hub offers'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand hub; and not __fish_seen_subcommand_from serve cluster release account smtp alerts" -f -a "account" -d 'The accounts of the people who use the hub\'s pages and API'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand hub; and not __fish_seen_subcommand_from serve cluster release account smtp alerts" -f -a "smtp" -d 'The SMTP server the hub mails its alerts through'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand hub; and not __fish_seen_subcommand_from serve cluster release account smtp alerts" -f -a "alerts" -d 'The hub\'s alerts: who receives them, the offline threshold, the daily digest'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand hub; and __fish_seen_subcommand_from serve" -l listen -d 'Address and port to listen on' -r
complete -c ccadmin -n "__fish_ccadmin_using_subcommand hub; and __fish_seen_subcommand_from serve" -l hostname -d 'The hub\'s host name, in its certificate' -r
complete -c ccadmin -n "__fish_ccadmin_using_subcommand hub; and __fish_seen_subcommand_from serve" -l state-dir -d 'Directory holding this node\'s state [default: $XDG_DATA_HOME/ccadmin]' -r -F
complete -c ccadmin -n "__fish_ccadmin_using_subcommand hub; and __fish_seen_subcommand_from serve" -l output -d 'Output format of results' -r -f -a "text\t'Aligned text for people'
json\t'One JSON document per command, for programs'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand hub; and __fish_seen_subcommand_from serve" -l secret-store -d 'Where secrets are kept [default: a persistent OS keyring if one exists, else a file]' -r -f -a "keyring\t'The operating system\'s persistent keyring'
file\t'An owner-only (0600) file in the state directory'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand hub; and __fish_seen_subcommand_from serve" -s y -l yes -d 'Answer yes to every confirmation'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand hub; and __fish_seen_subcommand_from serve" -s q -l quiet -d 'Print only results and errors, no status lines'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand hub; and __fish_seen_subcommand_from serve" -s v -l verbose -d 'Print more detail on stderr'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand hub; and __fish_seen_subcommand_from serve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand hub; and __fish_seen_subcommand_from cluster" -l state-dir -d 'Directory holding this node\'s state [default: $XDG_DATA_HOME/ccadmin]' -r -F
complete -c ccadmin -n "__fish_ccadmin_using_subcommand hub; and __fish_seen_subcommand_from cluster" -l output -d 'Output format of results' -r -f -a "text\t'Aligned text for people'
json\t'One JSON document per command, for programs'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand hub; and __fish_seen_subcommand_from cluster" -l secret-store -d 'Where secrets are kept [default: a persistent OS keyring if one exists, else a file]' -r -f -a "keyring\t'The operating system\'s persistent keyring'
file\t'An owner-only (0600) file in the state directory'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand hub; and __fish_seen_subcommand_from cluster" -s y -l yes -d 'Answer yes to every confirmation'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand hub; and __fish_seen_subcommand_from cluster" -s q -l quiet -d 'Print only results and errors, no status lines'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand hub; and __fish_seen_subcommand_from cluster" -s v -l verbose -d 'Print more detail on stderr'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand hub; and __fish_seen_subcommand_from cluster" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand hub; and __fish_seen_subcommand_from cluster" -f -a "add" -d 'Add Cloud Connect: a one-time registration code for a display name and the publisher\'s FQDN, valid 15 minutes, to be allowed on the publisher'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand hub; and __fish_seen_subcommand_from cluster" -f -a "list" -d 'The clusters, their next upgrade window and schedule'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand hub; and __fish_seen_subcommand_from cluster" -f -a "show" -d 'One cluster, its schedule and every recorded change of it'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand hub; and __fish_seen_subcommand_from cluster" -f -a "unregister" -d 'Forget a cluster (its polls are refused from now on)'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand hub; and __fish_seen_subcommand_from cluster" -f -a "schedule" -d 'The cluster\'s automatic upgrade schedule'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand hub; and __fish_seen_subcommand_from cluster" -f -a "postpone" -d 'Skip the cluster\'s next upgrade window, once'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand hub; and __fish_seen_subcommand_from release" -l state-dir -d 'Directory holding this node\'s state [default: $XDG_DATA_HOME/ccadmin]' -r -F
complete -c ccadmin -n "__fish_ccadmin_using_subcommand hub; and __fish_seen_subcommand_from release" -l output -d 'Output format of results' -r -f -a "text\t'Aligned text for people'
json\t'One JSON document per command, for programs'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand hub; and __fish_seen_subcommand_from release" -l secret-store -d 'Where secrets are kept [default: a persistent OS keyring if one exists, else a file]' -r -f -a "keyring\t'The operating system\'s persistent keyring'
file\t'An owner-only (0600) file in the state directory'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand hub; and __fish_seen_subcommand_from release" -s y -l yes -d 'Answer yes to every confirmation'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand hub; and __fish_seen_subcommand_from release" -s q -l quiet -d 'Print only results and errors, no status lines'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand hub; and __fish_seen_subcommand_from release" -s v -l verbose -d 'Print more detail on stderr'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand hub; and __fish_seen_subcommand_from release" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand hub; and __fish_seen_subcommand_from release" -f -a "add" -d 'Publish a ccadmin release: the archive, its version, notes, whether it is urgent, and the publisher\'s minisign signature of the archive'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand hub; and __fish_seen_subcommand_from release" -f -a "list" -d 'The published releases, newest first'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand hub; and __fish_seen_subcommand_from release" -f -a "withdraw" -d 'Withdraw a release (a broken one): it is never offered again, and who withdrew it when is recorded'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand hub; and __fish_seen_subcommand_from account" -l state-dir -d 'Directory holding this node\'s state [default: $XDG_DATA_HOME/ccadmin]' -r -F
complete -c ccadmin -n "__fish_ccadmin_using_subcommand hub; and __fish_seen_subcommand_from account" -l output -d 'Output format of results' -r -f -a "text\t'Aligned text for people'
json\t'One JSON document per command, for programs'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand hub; and __fish_seen_subcommand_from account" -l secret-store -d 'Where secrets are kept [default: a persistent OS keyring if one exists, else a file]' -r -f -a "keyring\t'The operating system\'s persistent keyring'
file\t'An owner-only (0600) file in the state directory'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand hub; and __fish_seen_subcommand_from account" -s y -l yes -d 'Answer yes to every confirmation'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand hub; and __fish_seen_subcommand_from account" -s q -l quiet -d 'Print only results and errors, no status lines'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand hub; and __fish_seen_subcommand_from account" -s v -l verbose -d 'Print more detail on stderr'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand hub; and __fish_seen_subcommand_from account" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand hub; and __fish_seen_subcommand_from account" -f -a "add" -d 'Add an account; its password is asked for (or read as the first line of standard input when that is not a terminal)'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand hub; and __fish_seen_subcommand_from account" -f -a "list" -d 'The accounts'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand hub; and __fish_seen_subcommand_from account" -f -a "delete" -d 'Remove an account and end its sessions'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand hub; and __fish_seen_subcommand_from smtp" -l state-dir -d 'Directory holding this node\'s state [default: $XDG_DATA_HOME/ccadmin]' -r -F
complete -c ccadmin -n "__fish_ccadmin_using_subcommand hub; and __fish_seen_subcommand_from smtp" -l output -d 'Output format of results' -r -f -a "text\t'Aligned text for people'
json\t'One JSON document per command, for programs'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand hub; and __fish_seen_subcommand_from smtp" -l secret-store -d 'Where secrets are kept [default: a persistent OS keyring if one exists, else a file]' -r -f -a "keyring\t'The operating system\'s persistent keyring'
file\t'An owner-only (0600) file in the state directory'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand hub; and __fish_seen_subcommand_from smtp" -s y -l yes -d 'Answer yes to every confirmation'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand hub; and __fish_seen_subcommand_from smtp" -s q -l quiet -d 'Print only results and errors, no status lines'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand hub; and __fish_seen_subcommand_from smtp" -s v -l verbose -d 'Print more detail on stderr'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand hub; and __fish_seen_subcommand_from smtp" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand hub; and __fish_seen_subcommand_from smtp" -f -a "set" -d 'Set the SMTP server the hub mails its alerts through (what is not given stays); with --user the password is asked (or read from CCADMIN_HUB_SMTP_PASSWORD)'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand hub; and __fish_seen_subcommand_from smtp" -f -a "show" -d 'The hub\'s SMTP server and the alert mails waiting to be delivered'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand hub; and __fish_seen_subcommand_from smtp" -f -a "test" -d 'Check the hub\'s SMTP server (connect, TLS, login) and send a test mail to the subscribers'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand hub; and __fish_seen_subcommand_from alerts" -l state-dir -d 'Directory holding this node\'s state [default: $XDG_DATA_HOME/ccadmin]' -r -F
complete -c ccadmin -n "__fish_ccadmin_using_subcommand hub; and __fish_seen_subcommand_from alerts" -l output -d 'Output format of results' -r -f -a "text\t'Aligned text for people'
json\t'One JSON document per command, for programs'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand hub; and __fish_seen_subcommand_from alerts" -l secret-store -d 'Where secrets are kept [default: a persistent OS keyring if one exists, else a file]' -r -f -a "keyring\t'The operating system\'s persistent keyring'
file\t'An owner-only (0600) file in the state directory'"
complete -c ccadmin -n "__fish_ccadmin_using_subcommand hub; and __fish_seen_subcommand_from alerts" -s y -l yes -d 'Answer yes to every confirmation'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand hub; and __fish_seen_subcommand_from alerts" -s q -l quiet -d 'Print only results and errors, no status lines'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand hub; and __fish_seen_subcommand_from alerts" -s v -l verbose -d 'Print more detail on stderr'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand hub; and __fish_seen_subcommand_from alerts" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand hub; and __fish_seen_subcommand_from alerts" -f -a "subscribe" -d 'Mail the hub\'s alerts to these addresses (comma-separated)'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand hub; and __fish_seen_subcommand_from alerts" -f -a "unsubscribe" -d 'Stop mailing the hub\'s alerts to these addresses (comma-separated, or all)'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand hub; and __fish_seen_subcommand_from alerts" -f -a "list" -d 'The addresses the alerts are mailed to, the offline threshold and the digest\'s hour'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand hub; and __fish_seen_subcommand_from alerts" -f -a "set" -d 'Set offline-after MINUTES (default 60) or digest-hour H (UTC, default 7)'
complete -c ccadmin -n "__fish_ccadmin_using_subcommand hub; and __fish_seen_subcommand_from alerts" -f -a "show" -d 'The alerts, newest first (50 a page)'
