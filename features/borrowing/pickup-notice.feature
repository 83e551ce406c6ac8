@borrowing @time-travel
Feature: The library's own "loan available for pickup" notice
  Some libraries have the ILL system, not the ILS, tell patrons a loan is ready: the notice goes
  out a configured delay after ILL staff mark the item received. Bookstrap queues it for the
  library's mailer and records when it was sent.

  Background:
    Given a borrowing library on the ILS with the default integration settings

  Scenario: The notice falls due after the delay and is recorded when sent
    Given the library sends the pickup notice itself 60 minutes after receipt
    And a loan request for the good patron is in transit
    When ILL staff mark the request received
    Then no pickup notice is due yet
    When 61 minutes pass
    Then a pickup notice for the good patron is due
    When the library's mailer sends it
    Then the circulation history says "Loan available for pickup notice sent"
