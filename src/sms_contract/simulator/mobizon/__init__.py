"""The simulator's Mobizon API, served beside Exotel's under `/service/<module>/<method>`.

It answers message/sendSmsMessage and message/getSMSStatus in the envelope {code, data,
message}, JSON or XML (`output=json|xml`), takes each message through the documented statuses
and posts the `sms-delivery-report` webhook when it is final. Every result code and every final
status can be reached on purpose through the test recipients of `recipients`.
"""
