"""Course business rules, one module per concern: management (courses and sessions), catalogue
(public listing, JSON, iCalendar), enrollment (enroll, apply, review, withdraw), waitlist
(offers and their lapse), attendance (and completion), certificates, exports and messages.
Seat bookkeeping under concurrency lives in seats."""
