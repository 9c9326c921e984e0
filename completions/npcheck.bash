# bash completion for npcheck (and kubectl-npcheck, the same program as a kubectl plugin).
# Installed by `make install` as $(PREFIX)/share/bash-completion/completions/npcheck;
# or source it from ~/.bashrc.
#
# Completes commands, options, the values of -o (the formats of the command given),
# --color, --fail-on, --protocol and --base (git revisions), and files and
# directories for paths and -c.
# shellcheck disable=SC2207 # COMPREPLY=($(compgen ...)) is the idiom: words never hold spaces

_npcheck_formats()
{
	case $1 in
	lint) echo "text json sarif junit github" ;;
	reach | explain | rules) echo "text json" ;;
	list) echo "text json csv md dot" ;;
	matrix) echo "text csv json md" ;;
	diff) echo "text json csv md" ;;
	*) echo "text json sarif junit github csv md dot" ;;
	esac
}

# Options of a command (global ones for every command).
_npcheck_options()
{
	local global="-n --namespace -o --output -j --jobs -q --quiet -v --verbose -h --help"
	case $1 in
	lint) echo "$global -c --config --color --fail-on" ;;
	reach) echo "$global -p --port --protocol" ;;
	matrix) echo "$global -p --port --protocol" ;;
	explain) echo "$global --pod" ;;
	diff) echo "$global --base" ;;
	list | rules) echo "$global" ;;
	*) echo "$global -c --config --color --fail-on -p --port --protocol --pod --base --version" ;;
	esac
}

_npcheck_paths()
{
	local IFS=$'\n'
	compopt -o filenames 2>/dev/null
	COMPREPLY+=($(compgen -f -- "$1"))
}

_npcheck()
{
	local cur prev
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=
	((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
	COMPREPLY=()

	local commands="lint reach list matrix explain diff rules help"
	# The command: the first word that is neither an option nor an option's value.
	local i cmd='' w
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		case $w in
		-n | --namespace | -c | --config | -o | --output | --color | --colour | \
			--fail-on | -p | --port | --protocol | --pod | --base | -j | --jobs)
			((i++)) ;;
		-*) ;;
		*)
			cmd=$w
			break
			;;
		esac
	done

	case $prev in
	-o | --output)
		COMPREPLY=($(compgen -W "$(_npcheck_formats "$cmd")" -- "$cur"))
		return 0
		;;
	--color | --colour)
		COMPREPLY=($(compgen -W "auto always never" -- "$cur"))
		return 0
		;;
	--fail-on)
		COMPREPLY=($(compgen -W "error warning info" -- "$cur"))
		return 0
		;;
	--protocol)
		COMPREPLY=($(compgen -W "TCP UDP SCTP" -- "$cur"))
		return 0
		;;
	-c | --config)
		_npcheck_paths "$cur"
		return 0
		;;
	--base)
		local refs
		refs=$(git for-each-ref --format='%(refname:short)' refs/heads refs/remotes refs/tags 2>/dev/null)
		COMPREPLY=($(compgen -W "HEAD $refs" -- "$cur"))
		return 0
		;;
	-n | --namespace | -p | --port | --pod | -j | --jobs)
		return 0 # a namespace, a port, an endpoint or a number: nothing to offer
		;;
	esac

	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(_npcheck_options "$cmd")" -- "$cur"))
		return 0
	fi
	if [[ -z $cmd ]]; then
		COMPREPLY=($(compgen -W "$commands" -- "$cur"))
		return 0
	fi
	if [[ $cmd == rules ]]; then
		return 0 # no arguments
	fi
	if [[ $cmd == help ]]; then
		COMPREPLY=($(compgen -W "$commands" -- "$cur"))
		return 0
	fi
	_npcheck_paths "$cur"
	return 0
}

complete -F _npcheck npcheck kubectl-npcheck
