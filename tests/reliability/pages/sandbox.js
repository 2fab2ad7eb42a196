window.frameResult = null;
window.addEventListener('message', (event) => {
  window.frameResult = event.data;
});
