# iptables-nft writes port matches as native payload expressions; iptables-legacy keeps the xt match.
:INPUT,FORWARD,OUTPUT
-p udp -m udp --dport 53;=;OK
-p udp -m udp ! --sport 53 --dport 1000:2000;=;OK
-p tcp -m tcp --sport 1000:2000 ! --dport 80 --tcp-flags SYN,ACK SYN;=;OK
-p tcp -m tcp --tcp-flags FIN,SYN,RST,PSH,ACK,URG NONE;=;OK
