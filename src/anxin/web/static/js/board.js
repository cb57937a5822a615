// Dispatch board: drag a ticket (waiting, or booked with a technician who has not set off) onto a technician's
// card to assign it there. The drop fills the board's hidden assign form and submits it, so the server applies
// exactly the rules of the per-row "Pin" form, which keeps working without this script.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form[data-testid=drag-assign]");
  if (!form) return;
  for (const ticket of document.querySelectorAll("[data-ticket-id]")) {
    ticket.draggable = true;
    ticket.classList.add("draggable");
    ticket.addEventListener("dragstart", (event) => {
      event.dataTransfer.setData("text/plain", ticket.dataset.ticketId);
      event.dataTransfer.effectAllowed = "move";
    });
  }
  for (const card of document.querySelectorAll("[data-technician-id]")) {
    card.addEventListener("dragover", (event) => {
      event.preventDefault();
      card.classList.add("drop-target");
    });
    card.addEventListener("dragleave", () => card.classList.remove("drop-target"));
    card.addEventListener("drop", (event) => {
      event.preventDefault();
      card.classList.remove("drop-target");
      const ticketId = event.dataTransfer.getData("text/plain");
      if (!ticketId) return;
      form.elements.ticket_id.value = ticketId;
      form.elements.technician_id.value = card.dataset.technicianId;
      form.submit();
    });
  }
});
