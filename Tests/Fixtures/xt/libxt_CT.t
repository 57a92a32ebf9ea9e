:PREROUTING,OUTPUT
*raw
-j CT --notrack;=;OK
-j NOTRACK;=;OK
-j CT --zone 5;=;OK
-j CT --zone-orig 7;=;OK
-j CT --zone-reply mark;=;OK
-j CT --ctevents new,related,destroy --expevents new;=;OK
-p tcp -j CT --helper ftp;=;OK
