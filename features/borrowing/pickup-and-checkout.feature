@borrowing
Feature: Pickup and check-out at the circulation desk
  Circulation staff check the item in at the pickup location, which makes the hold ready and
  sends the pickup notice; then check it out to the patron with the right due date: the book
  strap's (the lender's date less the return offset, off closed days; seed 004), which local loan
  policy neither shortens nor lengthens unless the library chose the stricter-of-both rule.

  Background:
    Given a borrowing library on the ILS with the default integration settings

  Scenario: Check-in at the pickup location makes the hold ready
    Given a loan request for the good patron has been received
    When circulation staff check the temporary item in at the pickup location
    Then the hold on the temporary item is ready for pickup

  @transit
  Scenario: Check-in elsewhere sends the item in transit to the pickup location
    Given a loan request for the good patron has been received
    When circulation staff check the temporary item in at another library
    Then the hold on the temporary item is in transit

  @lender-due-date
  Scenario: Check-out uses the lender's due date when it is stricter than the local rule
    Given a loan request for the good patron has been received with a lender due date in 10 days
    When circulation staff check the temporary item in at the pickup location
    And circulation staff check the temporary item out to the good patron
    Then the patron's loan is due on the lender's due date less the return offset

  @strap-due-date
  Scenario: A longer lender date is the patron's: the ILS's own policy date at the desk is put back to the strap date
    Given a loan request for the good patron has been received with a lender due date in 120 days
    When circulation staff check the temporary item in at the pickup location
    And circulation staff check the temporary item out to the good patron
    And the ILS sync runs
    Then the patron's loan is due on the lender's due date less the return offset
    And the request's due date is the lender's due date less the return offset
    And the history says the strap date was put back exactly when the desk gave another date

  @strap-due-date
  Scenario: Under the stricter-of-lender-and-local rule the local loan rule wins, and the history says so
    Given the library uses the stricter of the lender's due date and its local loan rule
    And a loan request for the good patron has been received with a lender due date in 120 days
    When circulation staff check the temporary item in at the pickup location
    And circulation staff check the temporary item out to the good patron
    And the ILS sync runs
    Then the patron's loan is due by the local loan rule
    And the circulation history says "Local loan rule"
