#!/bin/sh
# Prints a shape's launch text for gst-launch-1.0, for running shapes by hand:
#   pipelines/expand.sh SHAPE [NAME=VALUE ...] [--set ELEMENT.PROPERTY=VALUE ...]
# Comment lines are dropped and ${NAME} replaced. --set adds a property to a
# named element (by hand only: Mediagate sets sockets, hosts and ports as
# properties from code). Unlike the library it does not check values against
# the whitelist: it is a debugging aid.
set -eu
dir=$(dirname "$0")
shape=$1
shift
text=$(sed -e '/^[[:space:]]*#/d' "$dir/$shape.pipeline")
while [ $# -gt 0 ]; do
  if [ "$1" = --set ]; then
    element=${2%%.*}
    property=${2#*.}
    text=$(printf '%s\n' "$text" | sed -e "s|name=$element |name=$element $property |; s|name=$element\$|name=$element $property|")
    shift 2
    continue
  fi
  name=${1%%=*}
  value=${1#*=}
  text=$(printf '%s\n' "$text" | sed -e "s|\${$name}|$value|g")
  shift
done
case $text in
  *'${'*) echo "expand.sh: $shape still has a placeholder: $(printf '%s' "$text" | grep -o '\${[A-Z_]*}' | head -1)" >&2; exit 1 ;;
esac
printf '%s\n' "$text" | tr '\n' ' '
