:INPUT,FORWARD,OUTPUT
-m addrtype --dst-type LOCAL;=;OK
-m addrtype ! --dst-type LOCAL;=;OK
:INPUT
-m addrtype --dst-type LOCAL --limit-iface-in;=;OK
:OUTPUT
-m addrtype --src-type LOCAL --limit-iface-out;=;OK
