function __booking-monitor_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __booking-monitor_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __booking-monitor_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __booking-monitor_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __booking-monitor_parse_tokens -S
    set -l unparsed_tokens (__booking-monitor_tokens -pc)
    switch $unparsed_tokens[1]
    case 'booking-monitor'
        __booking-monitor_parse_subcommand 0 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'run'
            __booking-monitor_parse_subcommand 0 'headless' 'host=' 'port=' 'orchestrator=' 'db=' 'name=' 'in-memory' 'catalog=' 'group=' 'sweep-interval=' 'history-days=' 'history-rows=' 'max-body=' 'idle-timeout=' 'header-timeout=' 'max-connections=' 'attempt-timeout=' 'breaker-threshold=' 'breaker-open=' 'max-attempts=' 'resync-every=' 'probe-every=' 'db-lock-timeout=' 'db-timeout=' 'sender-lease=' 'log-file=' 'log-format=' 'token=' 'token-reads' 'full-sync' 'ascii' 'no-color' 'readonly' 'mouse' 'no-mouse' 'theme=' 'config=' 'once' 'size=' 'version' 'h/help'
        case 'demo'
            __booking-monitor_parse_subcommand 0 'headless' 'host=' 'port=' 'orchestrator=' 'db=' 'name=' 'in-memory' 'catalog=' 'group=' 'sweep-interval=' 'history-days=' 'history-rows=' 'max-body=' 'idle-timeout=' 'header-timeout=' 'max-connections=' 'attempt-timeout=' 'breaker-threshold=' 'breaker-open=' 'max-attempts=' 'resync-every=' 'probe-every=' 'db-lock-timeout=' 'db-timeout=' 'sender-lease=' 'log-file=' 'log-format=' 'token=' 'token-reads' 'full-sync' 'ascii' 'no-color' 'readonly' 'mouse' 'no-mouse' 'theme=' 'config=' 'once' 'size=' 'simulator-port=' 'order-every=' 'stock-every=' 'customers=' 'duration=' 'generators-off' 'version' 'h/help'
        case 'orchestrator'
            __booking-monitor_parse_subcommand 0 'host=' 'port=' 'monitor=+' 'push-timeout=' 'version' 'h/help'
        case 'config'
            __booking-monitor_parse_subcommand 1 'print' 'check' 'version' 'h/help'
        case 'help'
            __booking-monitor_parse_subcommand -r 1 'version'
        end
    end
end

function __booking-monitor_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __booking-monitor_parse_subcommand -S -a positional_count
    argparse -s r -- $argv
    set -l option_specs $argv[2..]
    set -l is_repeating_positional $_flag_r
    set -el _flag_r
    set -a commands $unparsed_tokens[1]
    set positional_index 0
    while true
        set -e unparsed_tokens[1]
        argparse -sn "$commands" $option_specs -- $unparsed_tokens 2> /dev/null
        set unparsed_tokens $argv
        set positional_index (math $positional_index + 1)
        for non_repeating_flag_or_option in $non_repeating_flags_or_options
            if set -ql "_flag_$(string replace -a - _ -- $non_repeating_flag_or_option)"
                set non_repeating_flags_or_options_absent 1
                break
            end
        end
        test (count $unparsed_tokens) -eq 0 -o \( -z "$is_repeating_positional" -a "$positional_index" -gt "$positional_count" \) && break
    end
end

function __booking-monitor_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __booking-monitor_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__booking-monitor_tokens -p)
    if test -z "$(__booking-monitor_tokens -t)"
        set -l index (count (__booking-monitor_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'booking-monitor' -f
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor" version' -l 'version' -d 'Show the version.'
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_positional "booking-monitor" -eq 1' -fa 'run' -d 'Run a monitor: the console (in a terminal) or headless, the booking checker and the HTTP endpoint.'
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_positional "booking-monitor" -eq 1' -fa 'demo' -d 'Watch the whole loop: a monitor, an Orchestrator simulator, customers ordering and stock arriving.'
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_positional "booking-monitor" -eq 1' -fa 'orchestrator' -d 'Run an Orchestrator simulator: the original\'s API, queues pushed to every --monitor.'
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_positional "booking-monitor" -eq 1' -fa 'config' -d 'Print the effective configuration as TOML (--print), or check a config file (--check).'
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_positional "booking-monitor" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor run" headless' -l 'headless' -d 'Run without the console (for machines without a terminal).'
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor run" host' -l 'host' -d 'Address to listen on. (default: 127.0.0.1)' -rfka ''
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor run" port' -l 'port' -d 'Port to listen on (0 picks a free one). (default: 5039)' -rfka ''
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor run" orchestrator' -l 'orchestrator' -d 'The Orchestrator\'s base URL; booking events go to {URL}/orchestrator/order-event. (default: http://localhost:5012)' -rfka ''
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor run" db' -l 'db' -d 'SQLite database file (WAL), or postgres://user:password@host:port/database: one store shared by several instances of a group. (default: booking-monitor.sqlite)' -rfka ''
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor run" name' -l 'name' -d 'This instance\'s name among the instances sharing a PostgreSQL store. (default: HOST:PORT)' -rfka ''
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor run" in-memory' -l 'in-memory' -d 'Keep state in memory only: a throwaway run.'
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor run" catalog' -l 'catalog' -d 'JSON file listing this instance\'s products (get-products shape).' -rfka ''
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor run" group' -l 'group' -d 'Name of this instance\'s product group, shown in the console and sent with events. (default: default)' -rfka ''
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor run" sweep-interval' -l 'sweep-interval' -d 'Seconds between safety sweeps (booking also happens at once on every change).' -rfka ''
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor run" history-days' -l 'history-days' -d 'Days the history of changes (GET /administration/history, the console\'s detail views) is kept; pruned by the sweep.' -rfka ''
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor run" history-rows' -l 'history-rows' -d 'History entries kept at most; the oldest beyond are pruned by the sweep.' -rfka ''
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor run" max-body' -l 'max-body' -d 'Largest accepted request body in bytes; larger ones get 413 (a 1M-entry push is about 23 MB).' -rfka ''
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor run" idle-timeout' -l 'idle-timeout' -d 'Seconds a client connection may send nothing while no answer is owed: between requests, or in the middle of one\'s body (0: no limit).' -rfka ''
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor run" header-timeout' -l 'header-timeout' -d 'Seconds a request\'s headers may take to arrive, from its first byte (0: no limit).' -rfka ''
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor run" max-connections' -l 'max-connections' -d 'Client connections open at once, at most; beyond it the longest-idle one is closed (lowered to fit the open-file limit).' -rfka ''
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor run" attempt-timeout' -l 'attempt-timeout' -d 'Per-attempt timeout for order-event, in seconds.' -rfka ''
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor run" breaker-threshold' -l 'breaker-threshold' -d 'Consecutive failures that open the circuit breaker.' -rfka ''
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor run" breaker-open' -l 'breaker-open' -d 'Seconds the breaker stays open before one trial request.' -rfka ''
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor run" max-attempts' -l 'max-attempts' -d 'Attempts answered with 500 before an event is parked.' -rfka ''
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor run" resync-every' -l 'resync-every' -d 'Also ask the Orchestrator for the queues at this interval, e.g. 30s, 5m, 1h (default: off; it is asked at start, after outages and refused pushes).' -rfka ''
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor run" probe-every' -l 'probe-every' -d 'Seconds of silence after which a light probe (GET /) checks that the Orchestrator answers.' -rfka ''
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor run" db-lock-timeout' -l 'db-lock-timeout' -d 'Shared store: seconds a write waits for the group\'s lock before it answers 503.' -rfka ''
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor run" db-timeout' -l 'db-timeout' -d 'Shared store: seconds a statement may run, and a transaction may idle, before the server ends it (a frozen instance\'s locks are freed then).' -rfka ''
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor run" sender-lease' -l 'sender-lease' -d 'Shared store: seconds the sender role outlives its last heartbeat; a frozen sender loses it then.' -rfka ''
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor run" log-file' -l 'log-file' -d 'Log file while the console runs (default: beside the database).' -rfka ''
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor run" log-format' -l 'log-format' -d 'Log lines as text, or json: one object a line with time, level, message and fields such as booking, product, customer.' -rfka 'text json'
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor run" token' -l 'token' -d 'Require Authorization: Bearer TOKEN on state-changing requests (or set BOOKING_MONITOR_TOKEN).' -rfka ''
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor run" token-reads' -l 'token-reads' -d 'With a token, require it for reads too.'
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor run" full-sync' -l 'full-sync' -d 'fsync every commit (survives power loss, not just a crash of the process).'
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor run" ascii' -l 'ascii' -d 'Draw borders and marks in ASCII (on by itself when the locale is not UTF-8).'
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor run" no-color' -l 'no-color' -d 'Monochrome: no colours, states shown by letters, bold and reverse (also NO_COLOR).'
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor run" readonly' -l 'readonly' -d 'Console keys that change state (availability, pause, resend) are turned off.'
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor run" mouse' -l 'mouse' -d 'Click, double-click and the wheel in the console; --no-mouse leaves the mouse to the terminal (selecting text). (default: --mouse)'
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor run" no-mouse' -l 'no-mouse' -d 'Click, double-click and the wheel in the console; --no-mouse leaves the mouse to the terminal (selecting text). (default: --mouse)'
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor run" theme' -l 'theme' -d 'Console colours: dark, light (for a white background) or colourblind (blue and orange, never red against green). (default: dark, or theme in config.toml)' -rfka ''
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor run" config' -l 'config' -d 'The config file: key bindings, theme, defaults for flags. (default: $XDG_CONFIG_HOME/booking-monitor/config.toml, else ~/.config/booking-monitor/config.toml, if it exists)' -rfka ''
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor run" once' -l 'once' -d 'Print the dashboard once as plain text and exit (no terminal needed; the HTTP server is not started).'
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor run" size' -l 'size' -d 'Size of the --once dashboard, WIDTHxHEIGHT (default: the terminal\'s, else 120x40).' -rfka ''
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor run" version' -l 'version' -d 'Show the version.'
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor run" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor demo" headless' -l 'headless' -d 'Run without the console (for machines without a terminal).'
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor demo" host' -l 'host' -d 'Address to listen on. (default: 127.0.0.1)' -rfka ''
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor demo" port' -l 'port' -d 'Port to listen on (0 picks a free one). (default: 5039)' -rfka ''
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor demo" orchestrator' -l 'orchestrator' -d 'The Orchestrator\'s base URL; booking events go to {URL}/orchestrator/order-event. (default: http://localhost:5012)' -rfka ''
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor demo" db' -l 'db' -d 'SQLite database file (WAL), or postgres://user:password@host:port/database: one store shared by several instances of a group. (default: booking-monitor.sqlite)' -rfka ''
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor demo" name' -l 'name' -d 'This instance\'s name among the instances sharing a PostgreSQL store. (default: HOST:PORT)' -rfka ''
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor demo" in-memory' -l 'in-memory' -d 'Keep state in memory only: a throwaway run.'
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor demo" catalog' -l 'catalog' -d 'JSON file listing this instance\'s products (get-products shape).' -rfka ''
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor demo" group' -l 'group' -d 'Name of this instance\'s product group, shown in the console and sent with events. (default: default)' -rfka ''
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor demo" sweep-interval' -l 'sweep-interval' -d 'Seconds between safety sweeps (booking also happens at once on every change).' -rfka ''
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor demo" history-days' -l 'history-days' -d 'Days the history of changes (GET /administration/history, the console\'s detail views) is kept; pruned by the sweep.' -rfka ''
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor demo" history-rows' -l 'history-rows' -d 'History entries kept at most; the oldest beyond are pruned by the sweep.' -rfka ''
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor demo" max-body' -l 'max-body' -d 'Largest accepted request body in bytes; larger ones get 413 (a 1M-entry push is about 23 MB).' -rfka ''
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor demo" idle-timeout' -l 'idle-timeout' -d 'Seconds a client connection may send nothing while no answer is owed: between requests, or in the middle of one\'s body (0: no limit).' -rfka ''
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor demo" header-timeout' -l 'header-timeout' -d 'Seconds a request\'s headers may take to arrive, from its first byte (0: no limit).' -rfka ''
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor demo" max-connections' -l 'max-connections' -d 'Client connections open at once, at most; beyond it the longest-idle one is closed (lowered to fit the open-file limit).' -rfka ''
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor demo" attempt-timeout' -l 'attempt-timeout' -d 'Per-attempt timeout for order-event, in seconds.' -rfka ''
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor demo" breaker-threshold' -l 'breaker-threshold' -d 'Consecutive failures that open the circuit breaker.' -rfka ''
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor demo" breaker-open' -l 'breaker-open' -d 'Seconds the breaker stays open before one trial request.' -rfka ''
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor demo" max-attempts' -l 'max-attempts' -d 'Attempts answered with 500 before an event is parked.' -rfka ''
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor demo" resync-every' -l 'resync-every' -d 'Also ask the Orchestrator for the queues at this interval, e.g. 30s, 5m, 1h (default: off; it is asked at start, after outages and refused pushes).' -rfka ''
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor demo" probe-every' -l 'probe-every' -d 'Seconds of silence after which a light probe (GET /) checks that the Orchestrator answers.' -rfka ''
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor demo" db-lock-timeout' -l 'db-lock-timeout' -d 'Shared store: seconds a write waits for the group\'s lock before it answers 503.' -rfka ''
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor demo" db-timeout' -l 'db-timeout' -d 'Shared store: seconds a statement may run, and a transaction may idle, before the server ends it (a frozen instance\'s locks are freed then).' -rfka ''
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor demo" sender-lease' -l 'sender-lease' -d 'Shared store: seconds the sender role outlives its last heartbeat; a frozen sender loses it then.' -rfka ''
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor demo" log-file' -l 'log-file' -d 'Log file while the console runs (default: beside the database).' -rfka ''
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor demo" log-format' -l 'log-format' -d 'Log lines as text, or json: one object a line with time, level, message and fields such as booking, product, customer.' -rfka 'text json'
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor demo" token' -l 'token' -d 'Require Authorization: Bearer TOKEN on state-changing requests (or set BOOKING_MONITOR_TOKEN).' -rfka ''
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor demo" token-reads' -l 'token-reads' -d 'With a token, require it for reads too.'
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor demo" full-sync' -l 'full-sync' -d 'fsync every commit (survives power loss, not just a crash of the process).'
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor demo" ascii' -l 'ascii' -d 'Draw borders and marks in ASCII (on by itself when the locale is not UTF-8).'
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor demo" no-color' -l 'no-color' -d 'Monochrome: no colours, states shown by letters, bold and reverse (also NO_COLOR).'
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor demo" readonly' -l 'readonly' -d 'Console keys that change state (availability, pause, resend) are turned off.'
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor demo" mouse' -l 'mouse' -d 'Click, double-click and the wheel in the console; --no-mouse leaves the mouse to the terminal (selecting text). (default: --mouse)'
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor demo" no-mouse' -l 'no-mouse' -d 'Click, double-click and the wheel in the console; --no-mouse leaves the mouse to the terminal (selecting text). (default: --mouse)'
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor demo" theme' -l 'theme' -d 'Console colours: dark, light (for a white background) or colourblind (blue and orange, never red against green). (default: dark, or theme in config.toml)' -rfka ''
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor demo" config' -l 'config' -d 'The config file: key bindings, theme, defaults for flags. (default: $XDG_CONFIG_HOME/booking-monitor/config.toml, else ~/.config/booking-monitor/config.toml, if it exists)' -rfka ''
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor demo" once' -l 'once' -d 'Print the dashboard once as plain text and exit (no terminal needed; the HTTP server is not started).'
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor demo" size' -l 'size' -d 'Size of the --once dashboard, WIDTHxHEIGHT (default: the terminal\'s, else 120x40).' -rfka ''
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor demo" simulator-port' -l 'simulator-port' -d 'Port of the in-process Orchestrator simulator (0 picks a free one). (default: 5012)' -rfka ''
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor demo" order-every' -l 'order-every' -d 'Seconds between two customer orders.' -rfka ''
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor demo" stock-every' -l 'stock-every' -d 'Seconds between two stock arrivals (an unavailable product made available).' -rfka ''
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor demo" customers' -l 'customers' -d 'Customers ordering (ids 1…N).' -rfka ''
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor demo" duration' -l 'duration' -d 'Stop after this many seconds (generators stop, deliveries drain, summary printed).' -rfka ''
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor demo" generators-off' -l 'generators-off' -d 'Start with the generators off (the console\'s d key turns them on).'
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor demo" version' -l 'version' -d 'Show the version.'
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor demo" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor orchestrator" host' -l 'host' -d 'Address to listen on.' -rfka ''
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor orchestrator" port' -l 'port' -d 'Port to listen on (0 picks a free one).' -rfka ''
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor orchestrator"' -l 'monitor' -d 'A monitor\'s base URL to push queues to; repeat for several instances (default: http://localhost:5039).' -rfka ''
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor orchestrator" push-timeout' -l 'push-timeout' -d 'Per-monitor timeout of one set-queue push, in seconds.' -rfka ''
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor orchestrator" version' -l 'version' -d 'Show the version.'
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor orchestrator" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor config" print' -l 'print' -d 'Write the effective configuration (the file\'s values over the defaults) as TOML.'
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor config" check' -l 'check' -d 'Check the file: one line naming the first mistake and exit 2, or "ok".'
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor config" version' -l 'version' -d 'Show the version.'
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor config" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'booking-monitor' -n '__booking-monitor_should_offer_completions_for_flags_or_options "booking-monitor help" version' -l 'version' -d 'Show the version.'
