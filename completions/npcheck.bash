# bash completion for npcheck (and kubectl-npcheck, the same program as a kubectl plugin).
# Installed by `make install` as $(PREFIX)/share/bash-completion/completions/npcheck;
# or source it from ~/.bashrc.
#
# The candidates come from the program itself: `npcheck __complete WORD... CUR` prints
# them (cobra's protocol, which kubectl also uses through kubectl_complete-npcheck), with
# the words after the cursor in NPCHECK_COMPLETE_REST. So commands, options, the formats
# of the command given, option values, rule ids (`npcheck rules`), git revisions
# (--base) and endpoint names read from the paths on the line (reach, --pod) are always
# those of the installed version; file names are bash's own.
# shellcheck disable=SC2207 # COMPREPLY=($(compgen ...)) is the idiom for file names

_npcheck()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prog=${COMP_WORDS[0]}
	local -a words=("${COMP_WORDS[@]:1:COMP_CWORD}")
	local rest='' out line directive=0 i

	# bash splits "--fail-on=war" at '=': "--fail-on" "=" "war"; npcheck knows.
	if [[ $cur == = ]]; then
		cur=''
		words+=('')
	fi
	for ((i = COMP_CWORD + 1; i < ${#COMP_WORDS[@]}; i++)); do
		rest+=${COMP_WORDS[i]}$'\n'
	done
	out=$(NPCHECK_COMPLETE_REST=$rest "$prog" __complete "${words[@]}" 2>/dev/null) || return 0
	COMPREPLY=()
	while IFS= read -r line; do
		if [[ $line =~ ^:[0-9]+$ ]]; then
			directive=${line#:}
		elif [[ -n $line ]]; then
			COMPREPLY+=("${line%%$'\t'*}")
		fi
	done <<<"$out"
	# No candidate and directive 0 (cobra's default): file names.
	if ((${#COMPREPLY[@]} == 0)) && ((directive == 0)); then
		local IFS=$'\n'
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -f -- "$cur"))
	fi
	return 0
}

complete -F _npcheck npcheck kubectl-npcheck
