# iptables-nft writes NFLOG as a native log expression; iptables-legacy keeps the xt target.
:INPUT,FORWARD,OUTPUT
-j NFLOG --nflog-group 100;=;OK
-j NFLOG --nflog-prefix "calico drop" --nflog-group 100 --nflog-size 128 --nflog-threshold 10;=;OK
-j NFLOG --nflog-prefix x;=;OK
:PREROUTING,OUTPUT
*raw
-j TRACE;=;OK
