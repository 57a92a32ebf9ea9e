:INPUT,FORWARD,OUTPUT
-m string --string "GET /" --algo bm;=;OK
-m string ! --string "a\"b" --algo kmp --from 10 --to 100;=;OK
-m string --hex-string "|00ff10|" --algo bm;=;OK
-m string --string "x" --algo bm --icase;=;OK
-m string --string "end\\" --algo bm;-m string --hex-string "|656e645c|" --algo bm;OK
