# fish completion for npcheck (and kubectl-npcheck, the same program as a kubectl plugin).
# Installed by `make install` as $(PREFIX)/share/fish/vendor_completions.d/npcheck.fish
# (and kubectl-npcheck.fish).
#
# The candidates and their descriptions come from the program itself (`npcheck
# __complete WORD... CUR`, cobra's protocol): commands, options, the formats of the
# command given, option values, rule ids, git revisions and endpoint names read from the
# paths on the line; file names where a path goes.

function __npcheck_complete
    set -l tokens (commandline -opc)
    set -l cur (commandline -ct)
    set -l directive 0
    set -l n 0
    for line in ($tokens[1] __complete $tokens[2..-1] $cur 2>/dev/null)
        if string match -qr '^:[0-9]+$' -- $line
            set directive (string sub -s 2 -- $line)
        else if test -n "$line"
            echo $line
            set n (math $n + 1)
        end
    end
    if test $n -eq 0 -a "$directive" = 0
        __fish_complete_path $cur
    end
end

complete -c npcheck -f -a '(__npcheck_complete)'
complete -c kubectl-npcheck -f -a '(__npcheck_complete)'
