# iptables-nft writes these as native meta mark expressions; iptables-legacy keeps the xt match.
:INPUT,FORWARD,OUTPUT
-m mark --mark 0x4000/0x4000;=;OK
-m mark ! --mark 0x1;=;OK
-m mark --mark 0xffffffff;=;OK
