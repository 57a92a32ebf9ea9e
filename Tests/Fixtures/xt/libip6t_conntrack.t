:INPUT,FORWARD,OUTPUT
-m conntrack --ctstate RELATED,ESTABLISHED;=;OK
-m conntrack --ctorigsrc 2001:db8::/32 --ctorigdst fd00::1;=;OK
-m conntrack ! --ctrepldst ::ffff:10.0.0.1;=;OK
