:INPUT,FORWARD,OUTPUT
-m iprange --src-range 2001:db8::1-2001:db8::ff;=;OK
-m iprange ! --dst-range ::ffff:10.0.0.1-::ffff:10.0.0.9;=;OK
