:INPUT,FORWARD,OUTPUT
-m conntrack --ctorigsrc 10.0.0.0/8 --ctorigdst 1.2.3.4;=;OK
-m conntrack ! --ctreplsrc 192.168.1.1 ! --ctrepldst 172.16.0.0/12;=;OK
-m conntrack --ctstate DNAT --ctorigdst 10.96.0.10 --ctorigdstport 53 --ctdir ORIGINAL;=;OK
